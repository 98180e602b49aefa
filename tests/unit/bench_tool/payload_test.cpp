#include "runnel/bench_tool/payload.hpp"

#include <gtest/gtest.h>

using namespace runnel::bench_tool;

TEST(payload, round_trips_the_header_and_pads_to_size) {
    payload_header h{7, 123456789012ull, -5};
    auto bytes = encode_payload(h, 100);
    EXPECT_EQ(bytes.size(), 100u);
    EXPECT_EQ(bytes.substr(0, 4), "rnb1");
    EXPECT_EQ(bytes.back(), 'x');
    auto back = decode_payload(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, h);
}

TEST(payload, is_never_smaller_than_the_header) {
    auto bytes = encode_payload({1, 2, 3}, 4);
    EXPECT_EQ(bytes.size(), payload_header_size);
    EXPECT_EQ(decode_payload(bytes)->seq, 2u);
}

TEST(payload, golden_little_endian_layout) {
    auto bytes = encode_payload({0x01020304, 0x05, 0x0A0B}, 24);
    EXPECT_EQ(bytes, std::string("rnb1\x04\x03\x02\x01\x05\0\0\0\0\0\0\0\x0B\x0A\0\0\0\0\0\0", 24));
}

TEST(payload, reuses_the_buffer_and_rewrites_only_the_header) {
    std::string buf;
    encode_payload({1, 1, 1}, 64, buf);
    const auto* data = buf.data();
    encode_payload({2, 9, 4}, 64, buf);
    EXPECT_EQ(buf.data(), data);
    EXPECT_EQ(*decode_payload(buf), (payload_header{2, 9, 4}));
}

TEST(payload, rejects_foreign_payloads) {
    EXPECT_FALSE(decode_payload("hello"));
    EXPECT_FALSE(decode_payload(std::string(30, 'x')));
    auto bytes = encode_payload({1, 2, 3}, 24);
    EXPECT_FALSE(decode_payload(std::string_view(bytes).substr(0, 23)));
}
