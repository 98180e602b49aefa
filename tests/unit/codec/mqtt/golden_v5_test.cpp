// Byte-exact MQTT 5.0 packets for every packet type, including property-heavy ones: decode
// the annotated bytes, then encode the value back to the same bytes.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using test::expect_golden;

namespace {
constexpr auto v5 = version::v5;
}

TEST(mqtt_golden_v5, connect_with_properties_and_will_properties) {
    connect c{.ver = v5, .clean_start = true, .keep_alive = 30, .client_id = "cid"};
    c.props.session_expiry_interval = 3600;
    c.props.receive_maximum = 20;
    c.props.user_properties = {{"k", "v"}};
    c.will = will_message{.topic = "w/t", .payload = "gone"};
    c.will->props.payload_format_indicator = 1;
    c.will->props.content_type = "text";
    c.will->props.will_delay_interval = 5;
    c.will->props.user_properties = {{"a", "b"}};
    c.username = "u";
    c.password = std::string("\x00\x01", 2); // binary, not UTF-8 checked
    expect_golden(v5,
                  "10 47"                       // CONNECT, remaining length 71
                  "00 04 4D 51 54 54 05"        // "MQTT" level 5
                  "C6"                          // user | password | will | clean start
                  "00 1E"                       // keep alive 30
                  "0F"                          // properties (15)
                  "  11 00 00 0E 10"            //   session expiry 3600
                  "  21 00 14"                  //   receive maximum 20
                  "  26 00 01 6B 00 01 76"      //   user property k=v
                  "00 03 63 69 64"              // client id "cid"
                  "15"                          // will properties (21)
                  "  01 01"                     //   payload format: UTF-8
                  "  03 00 04 74 65 78 74"      //   content type "text"
                  "  18 00 00 00 05"            //   will delay 5
                  "  26 00 01 61 00 01 62"      //   user property a=b
                  "00 03 77 2F 74"              // will topic "w/t"
                  "00 04 67 6F 6E 65"           // will payload "gone"
                  "00 01 75"                    // user name "u"
                  "00 02 00 01",                // password 00 01
                  c);
}

TEST(mqtt_golden_v5, connect_password_without_user_name_is_allowed) {
    connect c{.ver = v5, .clean_start = false, .client_id = "", .password = "pw"};
    expect_golden(v5, "10 11 00 04 4D 51 54 54 05 40 00 00 00 00 00 00 02 70 77", c);
}

TEST(mqtt_golden_v5, connack_with_server_capabilities) {
    connack a;
    a.props.assigned_client_identifier = "auto-1";
    a.props.server_keep_alive = 60;
    a.props.topic_alias_maximum = 10;
    a.props.maximum_qos = 1;
    a.props.retain_available = 0;
    a.props.maximum_packet_size = 1024;
    a.props.wildcard_subscription_available = 1;
    a.props.subscription_identifier_available = 0;
    a.props.shared_subscription_available = 1;
    expect_golden(v5,
                  "20 21"                       // CONNACK, remaining length 33
                  "00 00"                       // no session, success
                  "1E"                          // properties (30)
                  "  12 00 06 61 75 74 6F 2D 31" // assigned client id "auto-1"
                  "  13 00 3C"                  //   server keep alive 60
                  "  22 00 0A"                  //   topic alias maximum 10
                  "  24 01"                     //   maximum QoS 1
                  "  25 00"                     //   retain not available
                  "  27 00 00 04 00"            //   maximum packet size 1024
                  "  28 01 29 00 2A 01",        //   wildcard / sub id / shared availability
                  a);
}

TEST(mqtt_golden_v5, connack_refused_keeps_v5_reason) {
    expect_golden(v5, "20 03 00 87 00", connack{.reason_code = reason::not_authorized});
    expect_golden(v5, "20 03 00 9C 00", connack{.reason_code = reason::use_another_server});
}

TEST(mqtt_golden_v5, publish_qos1_house_style_example) {
    expect_golden(v5, "32 08 00 01 74 00 01 00 68 69",
                  publish{.topic = "t", .payload = "hi", .qos = 1, .packet_id = 1});
}

TEST(mqtt_golden_v5, publish_with_many_properties) {
    publish p{.topic = "s/1", .payload = "ok", .qos = 1, .packet_id = 2};
    p.props.payload_format_indicator = 1;
    p.props.message_expiry_interval = 60;
    p.props.response_topic = "r";
    p.props.correlation_data = "\x01\x02";
    p.props.subscription_identifiers = {1, 200};
    p.props.topic_alias = 3;
    p.props.user_properties = {{"x", "y"}};
    expect_golden(v5,
                  "32 29"                       // PUBLISH QoS 1, remaining length 41
                  "00 03 73 2F 31"              // topic "s/1"
                  "00 02"                       // packet id 2
                  "1F"                          // properties (31)
                  "  01 01"                     //   payload format UTF-8
                  "  02 00 00 00 3C"            //   message expiry 60
                  "  08 00 01 72"               //   response topic "r"
                  "  09 00 02 01 02"            //   correlation data 01 02
                  "  0B 01 0B C8 01"            //   subscription ids 1 and 200 (varint)
                  "  23 00 03"                  //   topic alias 3
                  "  26 00 01 78 00 01 79"      //   user property x=y
                  "6F 6B",                      // payload "ok"
                  p);
}

TEST(mqtt_golden_v5, publish_empty_topic_with_alias) {
    publish p{.topic = "", .payload = "p"};
    p.props.topic_alias = 3;
    expect_golden(v5, "30 07 00 00 03 23 00 03 70", p);
}

TEST(mqtt_golden_v5, acks_short_forms) {
    expect_golden(v5, "40 02 00 05", puback{.packet_id = 5});
    expect_golden(v5, "40 03 00 05 10",
                  puback{.packet_id = 5, .reason_code = reason::no_matching_subscribers});
    expect_golden(v5, "62 03 00 05 92",
                  pubrel{.packet_id = 5, .reason_code = reason::packet_identifier_not_found});
    expect_golden(v5, "70 02 00 05", pubcomp{.packet_id = 5});
}

TEST(mqtt_golden_v5, ack_with_reason_string) {
    pubrec r{.packet_id = 5, .reason_code = reason::unspecified_error};
    r.props.reason_string = "no";
    expect_golden(v5,
                  "50 09"                       // PUBREC
                  "00 05"                       // packet id 5
                  "80"                          // unspecified error
                  "05 1F 00 02 6E 6F",          // reason string "no"
                  r);
}

TEST(mqtt_golden_v5, subscribe_with_options_and_subscription_id) {
    subscribe s{.packet_id = 1};
    s.props.subscription_identifiers = {7};
    s.props.user_properties = {{"k", "v"}};
    s.subscriptions = {
        {.filter = "a/#", .max_qos = 1, .no_local = true, .retain_as_published = true,
         .retain_handling = 2},
        {.filter = "$share/g/x", .max_qos = 0, .retain_handling = 1},
    };
    expect_golden(v5,
                  "82 1F"                       // SUBSCRIBE
                  "00 01"                       // packet id 1
                  "09 0B 07 26 00 01 6B 00 01 76" // sub id 7, user property k=v
                  "00 03 61 2F 23 2D"           // "a/#": QoS 1, no local, RAP, RH 2
                  "00 0A 24 73 68 61 72 65 2F 67 2F 78 10", // "$share/g/x": QoS 0, RH 1
                  s);
}

TEST(mqtt_golden_v5, suback_with_reason_string) {
    suback a{.packet_id = 1, .reason_codes = {0x01, reason::wildcard_subscriptions_not_supported}};
    a.props.reason_string = "ok";
    expect_golden(v5, "90 0A 00 01 05 1F 00 02 6F 6B 01 A2", a);
}

TEST(mqtt_golden_v5, unsubscribe_with_user_property) {
    unsubscribe u{.packet_id = 2, .filters = {"a/#"}};
    u.props.user_properties = {{"k", "v"}};
    expect_golden(v5, "A2 0F 00 02 07 26 00 01 6B 00 01 76 00 03 61 2F 23", u);
}

TEST(mqtt_golden_v5, unsuback_reason_codes) {
    expect_golden(v5, "B0 05 00 02 00 00 11",
                  unsuback{.packet_id = 2, .reason_codes = {0x00, reason::no_subscription_existed}});
}

TEST(mqtt_golden_v5, ping) {
    expect_golden(v5, "C0 00", pingreq{});
    expect_golden(v5, "D0 00", pingresp{});
}

TEST(mqtt_golden_v5, disconnect_forms) {
    expect_golden(v5, "E0 00", disconnect{});
    expect_golden(v5, "E0 01 04", disconnect{.reason_code = reason::disconnect_with_will});
    disconnect d{.reason_code = reason::server_shutting_down};
    d.props.session_expiry_interval = 0;
    d.props.server_reference = "srv";
    d.props.reason_string = "bye";
    expect_golden(v5,
                  "E0 13 8B"                    // DISCONNECT, server shutting down
                  "11"                          // properties (17)
                  "  11 00 00 00 00"            //   session expiry 0
                  "  1C 00 03 73 72 76"         //   server reference "srv"
                  "  1F 00 03 62 79 65",        //   reason string "bye"
                  d);
}

TEST(mqtt_golden_v5, auth_forms) {
    expect_golden(v5, "F0 00", auth{});
    auth a{.reason_code = reason::continue_authentication};
    a.props.authentication_method = "SCRAM";
    a.props.authentication_data = "\x01\x02";
    expect_golden(v5,
                  "F0 0F 18"                    // AUTH, continue authentication
                  "0D"                          // properties (13)
                  "  15 00 05 53 43 52 41 4D"   //   method "SCRAM"
                  "  16 00 02 01 02",           //   data 01 02
                  a);
}

TEST(mqtt_golden_v5, long_forms_decode_to_the_short_form_value) {
    // Reason 0x00 followed by an empty property block is legal but redundant; the encoder
    // writes the short form, so these only go one way.
    EXPECT_EQ(test::decode_packet(v5, "40 04 00 05 00 00"), packet{puback{.packet_id = 5}});
    EXPECT_EQ(test::decode_packet(v5, "E0 02 00 00"), packet{disconnect{}});
}
