// PUBLISH and PUBACK/PUBREC/PUBREL/PUBCOMP body rules.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::decode_error_of;
using test::decode_packet;

TEST(mqtt_decode_publish, qos_above_0_needs_a_nonzero_packet_id) {
    EXPECT_EQ(decode_error_of(v311, "32 05 00 01 74 00 00"), malformed);
    EXPECT_EQ(decode_error_of(v5, "34 06 00 01 74 00 00 00"), malformed);
}

TEST(mqtt_decode_publish, empty_topic_only_in_v5) {
    EXPECT_EQ(decode_error_of(v311, "30 02 00 00"), malformed);
    auto p = decode_packet(v5, "30 03 00 00 00");
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<publish>(*p).topic, "");
}

TEST(mqtt_decode_publish, topic_must_be_utf8) {
    EXPECT_EQ(decode_error_of(v311, "30 03 00 01 FF"), malformed);
    EXPECT_EQ(decode_error_of(v311, "30 05 00 03 61 00 62"), malformed); // NUL
    EXPECT_EQ(decode_error_of(v5, "30 06 00 03 ED A0 80 00"), malformed); // surrogate
}

TEST(mqtt_decode_publish, session_level_checks_are_not_done_here) {
    // Wildcards in a topic name: the session answers with topic_name_invalid.
    auto w = decode_packet(v311, "30 05 00 03 61 2F 23");
    ASSERT_TRUE(w);
    EXPECT_EQ(std::get<publish>(*w).topic, "a/#");
    // Payload format indicator 1 with a non-UTF-8 payload: payload_format_invalid is the
    // session's call.
    auto f = decode_packet(v5, "30 07 00 01 74 02 01 01 FF");
    ASSERT_TRUE(f);
    EXPECT_EQ(std::get<publish>(*f).payload, "\xFF");
}

TEST(mqtt_decode_publish, payload_is_the_rest_of_the_packet) {
    auto p = decode_packet(v311, "33 08 00 01 74 00 02 00 FF 00");
    ASSERT_TRUE(p);
    const auto& pub = std::get<publish>(*p);
    EXPECT_EQ(pub.payload, std::string("\x00\xFF\x00", 3));
    EXPECT_TRUE(pub.retain);
    EXPECT_EQ(pub.qos, 1);
    EXPECT_EQ(pub.packet_id, 2);
}

TEST(mqtt_decode_ack, packet_id_must_be_nonzero) {
    for (const char* hex : {"40 02 00 00", "50 02 00 00", "62 02 00 00", "70 02 00 00"}) {
        EXPECT_EQ(decode_error_of(v311, hex), malformed) << hex;
        EXPECT_EQ(decode_error_of(v5, hex), malformed) << hex;
    }
}

TEST(mqtt_decode_ack, v5_lengths_2_3_and_4) {
    auto two = decode_packet(v5, "50 02 00 01");
    ASSERT_TRUE(two);
    EXPECT_EQ(std::get<pubrec>(*two).reason_code, reason::success);
    auto three = decode_packet(v5, "50 03 00 01 80");
    ASSERT_TRUE(three);
    EXPECT_EQ(std::get<pubrec>(*three).reason_code, reason::unspecified_error);
    auto four = decode_packet(v5, "50 04 00 01 10 00");
    ASSERT_TRUE(four);
    EXPECT_EQ(std::get<pubrec>(*four).reason_code, reason::no_matching_subscribers);
    EXPECT_EQ(decode_error_of(v5, "50 05 00 01 10 00 00"), malformed); // byte after properties
    EXPECT_EQ(decode_error_of(v5, "50 04 00 01 10 01"), malformed);    // properties cut short
}

TEST(mqtt_decode_ack, v311_acks_are_exactly_two_bytes) {
    EXPECT_EQ(decode_error_of(v311, "62 03 00 01 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "70 01 01"), malformed);
}
