// CONNECT and CONNACK validation: protocol name/level, connect flags, UTF-8 fields, and the
// property sets of CONNECT, will and CONNACK.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::decode_error_of;
using test::decode_packet;

TEST(mqtt_decode_connect, unknown_protocol_name_is_malformed) {
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 58 04 02 00 00 00 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "10 0A 00 02 4D 51 04 02 00 00 00 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "10 03 00 04 4D"), malformed); // name cut short
}

TEST(mqtt_decode_connect, unknown_level_with_known_name_is_unsupported_version) {
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 54 03 02 00 00 00 00"), unsupported);
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 54 06 02 00 00 00 00"), unsupported);
    EXPECT_EQ(decode_error_of(v311, "10 0E 00 06 4D 51 49 73 64 70 04 02 00 00 00 00"),
              unsupported);
}

TEST(mqtt_decode_connect, connect_flag_rules) {
    // reserved bit 0
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 54 04 03 00 00 00 00"), malformed);
    // will QoS 3 (with a will topic and payload present)
    EXPECT_EQ(decode_error_of(v311, "10 10 00 04 4D 51 54 54 04 1E 00 00 00 00 00 00 00 00"),
              malformed);
    // will QoS 1 / will retain without the will flag
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 54 04 0A 00 00 00 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "10 0C 00 04 4D 51 54 54 04 22 00 00 00 00"), malformed);
    // password without user name: malformed in 3.1.1 and 3.1, legal in 5.0
    EXPECT_EQ(decode_error_of(v311, "10 0F 00 04 4D 51 54 54 04 42 00 00 00 00 00 01 70"),
              malformed);
    EXPECT_EQ(decode_error_of(v311, "10 11 00 06 4D 51 49 73 64 70 03 42 00 00 00 00 00 01 70"),
              malformed);
    EXPECT_TRUE(decode_packet(v311, "10 10 00 04 4D 51 54 54 05 42 00 00 00 00 00 00 01 70"));
}

TEST(mqtt_decode_connect, empty_client_id_is_accepted) {
    auto p = decode_packet(v311, "10 0C 00 04 4D 51 54 54 04 00 00 00 00 00");
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<connect>(*p).client_id, "");
    EXPECT_FALSE(std::get<connect>(*p).clean_start);
}

TEST(mqtt_decode_connect, utf8_fields_are_validated) {
    // client id 0xFF, client id with NUL
    EXPECT_EQ(decode_error_of(v311, "10 0D 00 04 4D 51 54 54 04 02 00 00 00 01 FF"), malformed);
    EXPECT_EQ(decode_error_of(v311, "10 0D 00 04 4D 51 54 54 04 02 00 00 00 01 00"), malformed);
    // user name
    EXPECT_EQ(decode_error_of(v311, "10 0F 00 04 4D 51 54 54 04 82 00 00 00 00 00 01 C0"),
              malformed);
    // will topic
    EXPECT_EQ(decode_error_of(v311, "10 11 00 04 4D 51 54 54 04 06 00 00 00 00 00 01 FF 00 00"),
              malformed);
}

TEST(mqtt_decode_connect, password_and_will_payload_are_binary) {
    auto p = decode_packet(v311, "10 13 00 04 4D 51 54 54 04 C2 00 00 00 00 00 01 75 00 02 FF FE");
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<connect>(*p).password, "\xFF\xFE");
    auto w = decode_packet(v311, "10 12 00 04 4D 51 54 54 04 06 00 00 00 00 00 01 74 00 01 FF");
    ASSERT_TRUE(w);
    EXPECT_EQ(std::get<connect>(*w).will->payload, "\xFF");
}

TEST(mqtt_decode_connect, trailing_bytes_after_payload_are_malformed) {
    EXPECT_EQ(decode_error_of(v311, "10 0D 00 04 4D 51 54 54 04 02 00 00 00 00 00"), malformed);
}

TEST(mqtt_decode_connect, v5_property_sets_are_enforced) {
    // will delay interval belongs in the will properties, not CONNECT's
    EXPECT_EQ(decode_error_of(v5, "10 12 00 04 4D 51 54 54 05 02 00 00 05 18 00 00 00 05 00 00"),
              protocol_error);
    // session expiry belongs in CONNECT's properties, not the will's
    EXPECT_EQ(decode_error_of(v5, "10 18 00 04 4D 51 54 54 05 06 00 00 00 00 00"
                                  "05 11 00 00 00 05 00 01 74 00 00"),
              protocol_error);
}

TEST(mqtt_decode_connect, v5_property_values_are_checked) {
    // request problem / response information must be 0 or 1
    EXPECT_EQ(decode_error_of(v5, "10 0F 00 04 4D 51 54 54 05 02 00 00 02 17 02 00 00"),
              protocol_error);
    EXPECT_EQ(decode_error_of(v5, "10 0F 00 04 4D 51 54 54 05 02 00 00 02 19 02 00 00"),
              protocol_error);
    // receive maximum 0, maximum packet size 0
    EXPECT_EQ(decode_error_of(v5, "10 10 00 04 4D 51 54 54 05 02 00 00 03 21 00 00 00 00"),
              protocol_error);
    EXPECT_EQ(decode_error_of(v5, "10 12 00 04 4D 51 54 54 05 02 00 00 05 27 00 00 00 00 00 00"),
              protocol_error);
    // duplicate session expiry
    EXPECT_EQ(decode_error_of(v5, "10 17 00 04 4D 51 54 54 05 02 00 00 0A"
                                  "11 00 00 00 01 11 00 00 00 02 00 00"),
              protocol_error);
    // the same values at their legal edges decode
    auto q = decode_packet(v5, "10 14 00 04 4D 51 54 54 05 02 00 00 07 17 01 19 00 21 00 01 00 00");
    ASSERT_TRUE(q);
    EXPECT_EQ(std::get<connect>(*q).props.receive_maximum, 1);
}

TEST(mqtt_decode_connack, reserved_flags_and_return_codes) {
    EXPECT_EQ(decode_error_of(v311, "20 02 02 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "20 02 00 06"), malformed);
    EXPECT_EQ(decode_error_of(v5, "20 03 80 00 00"), malformed);
    EXPECT_EQ(decode_error_of(v5, "20 02 00 00"), malformed); // v5 needs the property length
}

TEST(mqtt_decode_connack, v5_capability_values_must_be_0_or_1) {
    EXPECT_EQ(decode_error_of(v5, "20 05 00 00 02 24 02"), protocol_error); // maximum QoS
    EXPECT_EQ(decode_error_of(v5, "20 05 00 00 02 25 02"), protocol_error); // retain available
    EXPECT_EQ(decode_error_of(v5, "20 05 00 00 02 28 02"), protocol_error); // wildcard
    EXPECT_EQ(decode_error_of(v5, "20 05 00 00 02 29 05"), protocol_error); // sub ids
    EXPECT_EQ(decode_error_of(v5, "20 05 00 00 02 2A FF"), protocol_error); // shared
    EXPECT_EQ(decode_error_of(v5, "20 06 00 00 03 23 00 01"), protocol_error); // topic alias
}
