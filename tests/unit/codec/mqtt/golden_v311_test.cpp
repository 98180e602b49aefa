// Byte-exact MQTT 3.1 / 3.1.1 packets for every packet type: decode the annotated bytes, then
// encode the value back to the same bytes.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::expect_golden;

TEST(mqtt_golden_v311, connect_with_will_user_and_password) {
    connect c{.ver = v311, .clean_start = true, .keep_alive = 60, .client_id = "c1",
              .will = will_message{.topic = "w", .payload = "bye", .qos = 1, .retain = true},
              .username = "u", .password = "p"};
    expect_golden(v311,
                  "10 1C"                   // CONNECT, remaining length 28
                  "00 04 4D 51 54 54"       // "MQTT"
                  "04"                      // level 4
                  "EE"                      // user|pass|will retain|will qos1|will|clean
                  "00 3C"                   // keep alive 60
                  "00 02 63 31"             // client id "c1"
                  "00 01 77"                // will topic "w"
                  "00 03 62 79 65"          // will payload "bye"
                  "00 01 75"                // user name "u"
                  "00 01 70",               // password "p"
                  c);
}

TEST(mqtt_golden_v311, connect_minimal_empty_client_id) {
    connect c{.ver = v311, .clean_start = true, .keep_alive = 0, .client_id = ""};
    expect_golden(v311, "10 0C 00 04 4D 51 54 54 04 02 00 00 00 00", c);
}

TEST(mqtt_golden_v311, connect_mqisdp_v31) {
    connect c{.ver = version::v31, .clean_start = true, .keep_alive = 10, .client_id = "c"};
    expect_golden(v311,
                  "10 0F"
                  "00 06 4D 51 49 73 64 70" // "MQIsdp"
                  "03"                      // level 3
                  "02"                      // clean session
                  "00 0A"                   // keep alive 10
                  "00 01 63",               // client id "c"
                  c);
}

TEST(mqtt_golden_v311, connack_accepted_with_session_present) {
    expect_golden(v311, "20 02 01 00", connack{.session_present = true});
}

TEST(mqtt_golden_v311, connack_return_codes_map_to_v5_reasons) {
    expect_golden(v311, "20 02 00 01", connack{.reason_code = reason::unsupported_protocol_version});
    expect_golden(v311, "20 02 00 02", connack{.reason_code = reason::client_identifier_not_valid});
    expect_golden(v311, "20 02 00 03", connack{.reason_code = reason::server_unavailable});
    expect_golden(v311, "20 02 00 04", connack{.reason_code = reason::bad_user_name_or_password});
    expect_golden(v311, "20 02 00 05", connack{.reason_code = reason::not_authorized});
}

TEST(mqtt_golden_v311, publish_qos0_retained) {
    expect_golden(v311,
                  "31 0A"                   // PUBLISH QoS 0 retain
                  "00 03 61 2F 62"          // topic "a/b"
                  "68 65 6C 6C 6F",         // payload "hello" (no packet id at QoS 0)
                  publish{.topic = "a/b", .payload = "hello", .retain = true});
}

TEST(mqtt_golden_v311, publish_qos2_dup) {
    expect_golden(v311,
                  "3C 06"                   // PUBLISH DUP QoS 2
                  "00 01 74"                // topic "t"
                  "12 34"                   // packet id 0x1234
                  "78",                     // payload "x"
                  publish{.topic = "t", .payload = "x", .qos = 2, .dup = true, .packet_id = 0x1234});
}

TEST(mqtt_golden_v311, publish_empty_payload) {
    expect_golden(v311, "32 05 00 01 74 00 09", publish{.topic = "t", .qos = 1, .packet_id = 9});
}

TEST(mqtt_golden_v311, publish_acks) {
    expect_golden(v311, "40 02 00 07", puback{.packet_id = 7});
    expect_golden(v311, "50 02 00 07", pubrec{.packet_id = 7});
    expect_golden(v311, "62 02 00 07", pubrel{.packet_id = 7}); // PUBREL flags are 0010
    expect_golden(v311, "70 02 00 07", pubcomp{.packet_id = 7});
}

TEST(mqtt_golden_v311, subscribe_two_filters) {
    subscribe s{.packet_id = 10,
                .subscriptions = {{.filter = "a/+", .max_qos = 1}, {.filter = "#", .max_qos = 2}}};
    expect_golden(v311,
                  "82 0C"                   // SUBSCRIBE (flags 0010)
                  "00 0A"                   // packet id 10
                  "00 03 61 2F 2B 01"       // "a/+" QoS 1
                  "00 01 23 02",            // "#" QoS 2
                  s);
}

TEST(mqtt_golden_v311, suback_granted_and_failure) {
    expect_golden(v311, "90 04 00 0A 01 80", suback{.packet_id = 10, .reason_codes = {0x01, 0x80}});
}

TEST(mqtt_golden_v311, unsubscribe_two_filters) {
    expect_golden(v311,
                  "A2 0A"                   // UNSUBSCRIBE (flags 0010)
                  "00 0B"                   // packet id 11
                  "00 03 61 2F 2B"          // "a/+"
                  "00 01 23",               // "#"
                  unsubscribe{.packet_id = 11, .filters = {"a/+", "#"}});
}

TEST(mqtt_golden_v311, unsuback_is_packet_id_only) {
    expect_golden(v311, "B0 02 00 0B", unsuback{.packet_id = 11});
}

TEST(mqtt_golden_v311, ping_and_disconnect) {
    expect_golden(v311, "C0 00", pingreq{});
    expect_golden(v311, "D0 00", pingresp{});
    expect_golden(v311, "E0 00", disconnect{});
}

TEST(mqtt_golden_v311, auth_does_not_exist) {
    EXPECT_EQ(test::decode_error_of(v311, "F0 00"), reason::malformed_packet);
    EXPECT_EQ(test::decode_error_of(version::v31, "F0 00"), reason::malformed_packet);
}
