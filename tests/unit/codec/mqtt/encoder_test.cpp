// Encoder behaviour beyond the goldens: 3.1.x down-mapping of v5-only fields, size agreement,
// appending, and remaining-length varint boundaries.
#include "codec_test_util.hpp"
#include "sample_packets.hpp"

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::hex;

namespace {

properties reason_props() {
    properties p;
    p.reason_string = "why";
    return p;
}
} // namespace

TEST(mqtt_encoder, connack_reason_codes_map_to_v311_return_codes) {
    const std::pair<std::uint8_t, std::uint8_t> cases[] = {
        {reason::success, 0},
        {reason::unsupported_protocol_version, 1},
        {reason::client_identifier_not_valid, 2},
        {reason::server_unavailable, 3},
        {reason::bad_user_name_or_password, 4},
        {reason::not_authorized, 5},
        {reason::banned, 5},
        {reason::bad_authentication_method, 5},
        {reason::server_busy, 3},
        {reason::unspecified_error, 3},
        {reason::quota_exceeded, 3},
        {reason::malformed_packet, 3},
    };
    for (auto [v5_code, rc] : cases) {
        std::string bytes = encode(connack{.reason_code = v5_code, .props = reason_props()}, v311);
        EXPECT_EQ(bytes, test::unhex("20 02 00") + static_cast<char>(rc)) << int(v5_code);
    }
}

TEST(mqtt_encoder, suback_failures_collapse_to_0x80_in_v311) {
    suback a{.packet_id = 1, .reason_codes = {0x00, 0x01, 0x02, 0x80, 0x87, 0xA2, 0x03}};
    a.props = reason_props();
    EXPECT_EQ(hex(encode(a, v311)), "90 09 00 01 00 01 02 80 80 80 80");
}

TEST(mqtt_encoder, v311_drops_properties_and_reason_codes) {
    EXPECT_EQ(hex(encode(puback{.packet_id = 7, .reason_code = 0x10, .props = reason_props()}, v311)),
              "40 02 00 07");
    EXPECT_EQ(hex(encode(unsuback{.packet_id = 7, .reason_codes = {0x11}}, v311)), "B0 02 00 07");
    EXPECT_EQ(hex(encode(disconnect{.reason_code = 0x8B, .props = reason_props()}, v311)), "E0 00");
    publish p{.topic = "t", .payload = "x"};
    p.props.topic_alias = 1;
    EXPECT_EQ(hex(encode(p, v311)), "30 04 00 01 74 78");
    subscribe s{.packet_id = 1,
                .subscriptions = {{.filter = "a", .max_qos = 1, .no_local = true,
                                   .retain_as_published = true, .retain_handling = 2}}};
    EXPECT_EQ(hex(encode(s, v311)), "82 06 00 01 00 01 61 01");
}

TEST(mqtt_encoder, qos0_publish_omits_packet_id) {
    EXPECT_EQ(hex(encode(publish{.topic = "t", .payload = "x", .packet_id = 5}, v5)),
              "30 05 00 01 74 00 78");
}

TEST(mqtt_encoder, v5_reason_only_short_forms) {
    EXPECT_EQ(hex(encode(disconnect{.reason_code = reason::server_busy}, v5)), "E0 01 89");
    EXPECT_EQ(hex(encode(pubcomp{.packet_id = 1, .reason_code = 0x92}, v5)), "70 03 00 01 92");
    EXPECT_EQ(hex(encode(puback{.packet_id = 1, .props = reason_props()}, v5)),
              "40 0A 00 01 00 06 1F 00 03 77 68 79");
}

TEST(mqtt_encoder, connect_layout_follows_its_own_version) {
    connect c{.ver = v5, .client_id = "a"};
    // The argument version is ignored for CONNECT: it announces its own.
    EXPECT_EQ(encode(c, v311), encode(c, v5));
    EXPECT_EQ(hex(encode(c, v311)), "10 0E 00 04 4D 51 54 54 05 02 00 00 00 00 01 61");
}

TEST(mqtt_encoder, appends_to_the_output) {
    std::string out = "xy";
    encode(pingreq{}, v5, out);
    encode(puback{.packet_id = 3}, v5, out);
    EXPECT_EQ(hex(out), "78 79 C0 00 40 02 00 03");
}

TEST(mqtt_encoder, encoded_size_matches_for_every_sample) {
    for (version v : {v311, v5}) {
        for (const packet& p : test::sample_packets(v)) {
            EXPECT_EQ(encoded_size(p, v), encode(p, v).size()) << static_cast<int>(type_of(p));
        }
    }
}

TEST(mqtt_encoder, remaining_length_varint_boundaries) {
    // topic "t" (3 bytes) + payload n; v311 QoS 0 so remaining length = 3 + n.
    const std::pair<std::size_t, std::string> cases[] = {
        {127, "30 7F"}, {128, "30 80 01"}, {16'383, "30 FF 7F"}, {16'384, "30 80 80 01"},
        {2'097'151, "30 FF FF 7F"}, {2'097'152, "30 80 80 80 01"},
    };
    for (const auto& [remaining, header] : cases) {
        publish p{.topic = "t", .payload = std::string(remaining - 3, 'p')};
        std::string bytes = encode(p, v311);
        EXPECT_EQ(hex(bytes.substr(0, header.size() / 3 + 1)), header);
        EXPECT_EQ(bytes.size(), encoded_size(p, v311));
        auto back = test::decode_as(v311, bytes);
        ASSERT_TRUE(std::holds_alternative<packet>(back)) << remaining;
        EXPECT_TRUE(std::get<packet>(back) == packet{p});
    }
}
