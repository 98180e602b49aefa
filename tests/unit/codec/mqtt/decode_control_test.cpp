// PINGREQ, PINGRESP, DISCONNECT and AUTH bodies.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::decode_error_of;
using test::decode_packet;

TEST(mqtt_decode_control, ping_has_no_body) {
    EXPECT_EQ(decode_error_of(v5, "C0 01 00"), malformed);
    EXPECT_EQ(decode_error_of(v311, "D0 01 00"), malformed);
}

TEST(mqtt_decode_control, v311_disconnect_has_no_body) {
    EXPECT_EQ(decode_error_of(v311, "E0 01 00"), malformed);
    EXPECT_EQ(decode_error_of(version::v31, "E0 01 00"), malformed);
}

TEST(mqtt_decode_control, v5_disconnect_reason_and_properties) {
    auto one = decode_packet(v5, "E0 01 8E");
    ASSERT_TRUE(one);
    EXPECT_EQ(std::get<disconnect>(*one).reason_code, reason::session_taken_over);
    EXPECT_EQ(decode_error_of(v5, "E0 05 00 03 23 00 01"), protocol_error); // topic alias
    EXPECT_EQ(decode_error_of(v5, "E0 03 00 01 11"), malformed);            // cut short
    auto se = decode_packet(v5, "E0 07 00 05 11 00 00 00 0A");
    ASSERT_TRUE(se);
    EXPECT_EQ(std::get<disconnect>(*se).props.session_expiry_interval, 10u);
}

TEST(mqtt_decode_control, v5_auth_reason_and_properties) {
    auto one = decode_packet(v5, "F0 01 19");
    ASSERT_TRUE(one);
    EXPECT_EQ(std::get<auth>(*one).reason_code, 0x19);
    EXPECT_EQ(decode_error_of(v5, "F0 07 00 05 11 00 00 00 01"), protocol_error); // session expiry
    EXPECT_EQ(decode_error_of(v5, "F0 07 18 05 15 00 02 C0 80"), malformed); // method not UTF-8
}
