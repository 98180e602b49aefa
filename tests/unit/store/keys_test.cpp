#include "keys.hpp"

#include <gtest/gtest.h>

namespace runnel::store {
namespace {

TEST(store_keys, msg_keys_sort_by_channel_then_offset) {
    EXPECT_LT(msg_key("a", 2), msg_key("a", 10));
    EXPECT_LT(msg_key("a", 0xffffffffffffffffull), channel_end("a"));
    EXPECT_LT(channel_end("a"), msg_key("b", 0));
    EXPECT_LT(channel_end("a"), msg_key("aa", 0));
    auto parts = parse_msg_key(msg_key("x/y", 77));
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->channel, "x/y");
    EXPECT_EQ(parts->offset, 77u);
    EXPECT_FALSE(parse_msg_key("\x00\x05" "ab").has_value());
}

TEST(store_keys, owed_keys_sort_by_session_then_tt) {
    EXPECT_LT(owed_key(1, 500), owed_key(1, 501));
    EXPECT_LT(owed_key(1, ~0ull), owed_key(2, 0));
    EXPECT_LE(id_prefix(owed_tag, 2), owed_key(2, 0));
    EXPECT_EQ(read_u64(owed_key(3, 9), 9), 9u);
}

TEST(store_keys, msgid_key_parses_back) {
    auto k = parse_msgid_key(msgid_key("chan", "key-1"));
    ASSERT_TRUE(k.has_value());
    EXPECT_EQ(k->first, "chan");
    EXPECT_EQ(k->second, "key-1");
}

} // namespace
} // namespace runnel::store
