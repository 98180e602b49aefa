// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK body rules.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::decode_error_of;
using test::decode_packet;

TEST(mqtt_decode_subscribe, packet_id_and_at_least_one_filter) {
    EXPECT_EQ(decode_error_of(v311, "82 06 00 00 00 01 61 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "82 02 00 01"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "82 03 00 01 00"), protocol_error);
}

TEST(mqtt_decode_subscribe, v311_options_byte) {
    EXPECT_TRUE(decode_packet(v311, "82 06 00 01 00 01 61 02"));
    EXPECT_EQ(decode_error_of(v311, "82 06 00 01 00 01 61 04"), malformed); // v5 bit in 3.1.1
    EXPECT_EQ(decode_error_of(v311, "82 06 00 01 00 01 61 80"), malformed);
    EXPECT_EQ(decode_error_of(v311, "82 06 00 01 00 01 61 03"), malformed); // QoS 3
}

TEST(mqtt_decode_subscribe, v5_options_byte) {
    auto p = decode_packet(v5, "82 07 00 01 00 00 01 61 2E");
    ASSERT_TRUE(p);
    const auto& sub = std::get<subscribe>(*p).subscriptions.at(0);
    EXPECT_EQ(sub.max_qos, 2);
    EXPECT_TRUE(sub.no_local);
    EXPECT_TRUE(sub.retain_as_published);
    EXPECT_EQ(sub.retain_handling, 2);
    EXPECT_EQ(decode_error_of(v5, "82 07 00 01 00 00 01 61 40"), malformed); // reserved bit 6
    EXPECT_EQ(decode_error_of(v5, "82 07 00 01 00 00 01 61 80"), malformed); // reserved bit 7
    EXPECT_EQ(decode_error_of(v5, "82 07 00 01 00 00 01 61 30"), protocol_error); // RH 3
    EXPECT_EQ(decode_error_of(v5, "82 07 00 01 00 00 01 61 03"), protocol_error); // QoS 3
}

TEST(mqtt_decode_subscribe, filter_must_be_utf8_and_complete) {
    EXPECT_EQ(decode_error_of(v311, "82 06 00 01 00 01 FF 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "82 05 00 01 00 01 61"), malformed); // no options byte
    EXPECT_EQ(decode_error_of(v311, "82 09 00 01 00 01 61 00 00 01 62"), malformed);
}

TEST(mqtt_decode_subscribe, filter_syntax_is_left_to_the_session) {
    // An empty filter and a misplaced '#' decode; the session answers with reason 0x8F.
    auto q = decode_packet(v311, "82 0B 00 01 00 00 00 00 03 61 23 62 00");
    ASSERT_TRUE(q);
    EXPECT_EQ(std::get<subscribe>(*q).subscriptions.at(0).filter, "");
    EXPECT_EQ(std::get<subscribe>(*q).subscriptions.at(1).filter, "a#b");
}

TEST(mqtt_decode_unsubscribe, rules) {
    EXPECT_EQ(decode_error_of(v311, "A2 05 00 00 00 01 61"), malformed);
    EXPECT_EQ(decode_error_of(v311, "A2 02 00 01"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "A2 03 00 01 00"), protocol_error);
    EXPECT_EQ(decode_error_of(v311, "A2 05 00 01 00 01 FF"), malformed);
    EXPECT_EQ(decode_error_of(v311, "A2 06 00 01 00 01 61 00"), malformed); // half a length
}

TEST(mqtt_decode_suback, codes) {
    EXPECT_EQ(decode_error_of(v311, "90 03 00 01 03"), malformed); // reserved in 3.1.1
    EXPECT_EQ(decode_error_of(v311, "90 03 00 01 8F"), malformed);
    EXPECT_EQ(decode_error_of(v311, "90 02 00 01"), protocol_error);
    EXPECT_EQ(decode_error_of(v311, "90 03 00 00 00"), malformed); // packet id 0
    auto p = decode_packet(v5, "90 05 00 01 00 02 8F");
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<suback>(*p).reason_codes, (std::vector<std::uint8_t>{0x02, 0x8F}));
}

TEST(mqtt_decode_unsuback, codes) {
    EXPECT_EQ(decode_error_of(v5, "B0 03 00 01 00"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "B0 02 00 01"), malformed); // v5 needs the property length
    EXPECT_EQ(decode_error_of(v311, "B0 02 00 00"), malformed);
}
