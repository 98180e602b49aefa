#include "runnel/core/url.hpp"

#include <gtest/gtest.h>

namespace runnel::core {
namespace {

TEST(Url, PercentDecodeKeepsPlusAndRejectsBadEscapes) {
    EXPECT_EQ(percent_decode("a%2Fb"), "a/b");
    EXPECT_EQ(percent_decode("chat/+"), "chat/+");
    EXPECT_EQ(percent_decode("%23%2b%2B"), "#++");
    EXPECT_EQ(percent_decode("%00x"), std::string("\0x", 2));
    for (auto bad : {"%", "%2", "a%G0", "%0g", "x%"}) EXPECT_FALSE(percent_decode(bad)) << bad;
}

TEST(Url, PercentEncodeRoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    auto enc = percent_encode(all);
    EXPECT_EQ(enc.find_first_of("/+#&=? "), std::string::npos); // only escapes and unreserved bytes
    EXPECT_EQ(percent_decode(enc), all);
    EXPECT_EQ(percent_encode("a/b c~"), "a%2Fb%20c~");
}

TEST(Url, ParseQuerySplitsInOrderAndSkipsEmptyItems) {
    auto q = parse_query("channel=a%2F%23&&channel=b/+&flag&cursor=12=3");
    ASSERT_TRUE(q);
    std::vector<std::pair<std::string, std::string>> want{
        {"channel", "a/#"}, {"channel", "b/+"}, {"flag", ""}, {"cursor", "12=3"}};
    EXPECT_EQ(*q, want);
    EXPECT_EQ(parse_query("")->size(), 0u);
    EXPECT_FALSE(parse_query("a=%zz"));
}

} // namespace
} // namespace runnel::core
