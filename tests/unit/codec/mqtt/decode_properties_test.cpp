// v5 property blocks: allowed ids per packet, unknown ids, duplicates, repeatable properties,
// value ranges, UTF-8 vs binary values, and length/truncation errors.
#include "codec_test_util.hpp"

using namespace runnel::codec::mqtt;
using test::decode_error_of;
using test::decode_packet;

namespace {
constexpr auto v5 = version::v5;
constexpr int malformed = reason::malformed_packet;
constexpr int protocol_error = reason::protocol_error;

const properties& props_of(const std::optional<packet>& p) {
    return std::visit(
        [](const auto& x) -> const properties& {
            if constexpr (requires { x.props; }) return x.props;
            static const properties none;
            return none;
        },
        *p);
}
} // namespace

TEST(mqtt_decode_properties, unknown_identifiers_are_protocol_errors) {
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 02 05 00"), protocol_error);    // 0x05
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 02 00 00"), protocol_error);    // 0x00
    EXPECT_EQ(decode_error_of(v5, "30 07 00 01 74 03 80 01 00"), protocol_error); // 128
}

TEST(mqtt_decode_properties, ids_not_allowed_in_the_packet_are_protocol_errors) {
    EXPECT_EQ(decode_error_of(v5, "82 0A 00 01 03 23 00 01 00 01 61 00"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "30 08 00 01 74 04 1F 00 01 61"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "40 08 00 01 00 04 03 00 01 61"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "A2 08 00 01 02 0B 01 00 01 61"), protocol_error);
}

TEST(mqtt_decode_properties, duplicates_of_single_valued_properties) {
    EXPECT_EQ(decode_error_of(v5, "30 0C 00 01 74 08 03 00 01 61 03 00 01 62"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "30 0A 00 01 74 06 23 00 01 23 00 01"), protocol_error);
}

TEST(mqtt_decode_properties, user_properties_repeat_in_order) {
    auto p = decode_packet(v5, "30 12 00 01 74 0E 26 00 01 61 00 01 62 26 00 01 61 00 01 63");
    ASSERT_TRUE(p);
    using kv = std::pair<std::string, std::string>;
    EXPECT_EQ(props_of(p).user_properties, (std::vector<kv>{{"a", "b"}, {"a", "c"}}));
}

TEST(mqtt_decode_properties, subscription_ids_repeat_in_publish_only) {
    auto p = decode_packet(v5, "30 0B 00 01 74 07 0B 01 0B FF FF FF 7F");
    ASSERT_TRUE(p);
    EXPECT_EQ(props_of(p).subscription_identifiers, (std::vector<std::uint32_t>{1, 268'435'455}));
    EXPECT_EQ(decode_error_of(v5, "82 0B 00 01 04 0B 01 0B 02 00 01 61 00"), protocol_error);
    auto s = decode_packet(v5, "82 09 00 01 02 0B 05 00 01 61 00");
    ASSERT_TRUE(s);
    EXPECT_EQ(props_of(s).subscription_identifiers, std::vector<std::uint32_t>{5});
}

TEST(mqtt_decode_properties, zero_and_out_of_range_values) {
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 02 0B 00"), protocol_error);       // sub id 0
    EXPECT_EQ(decode_error_of(v5, "82 09 00 01 02 0B 00 00 01 61 00"), protocol_error);
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 02 01 02"), protocol_error);       // format 2
    EXPECT_EQ(decode_error_of(v5, "30 07 00 01 74 03 23 00 00"), protocol_error);    // alias 0
    // 5-byte subscription identifier varint
    EXPECT_EQ(decode_error_of(v5, "30 0A 00 01 74 06 0B FF FF FF FF 01"), malformed);
}

TEST(mqtt_decode_properties, strings_are_utf8_checked_binary_is_not) {
    EXPECT_EQ(decode_error_of(v5, "30 09 00 01 74 05 03 00 02 C3 28"), malformed);     // content type
    EXPECT_EQ(decode_error_of(v5, "30 0B 00 01 74 07 26 00 01 61 00 01 FF"), malformed); // user value
    EXPECT_EQ(decode_error_of(v5, "30 0B 00 01 74 07 26 00 01 FF 00 01 61"), malformed); // user name
    EXPECT_EQ(decode_error_of(v5, "40 09 00 01 80 05 1F 00 02 ED A0"), malformed);  // reason string
    auto p = decode_packet(v5, "30 08 00 01 74 04 09 00 01 FF");                    // correlation data
    ASSERT_TRUE(p);
    EXPECT_EQ(props_of(p).correlation_data, "\xFF");
    auto a = decode_packet(v5, "F0 07 18 05 16 00 02 FF FE"); // authentication data
    ASSERT_TRUE(a);
    EXPECT_EQ(props_of(a).authentication_data, "\xFF\xFE");
}

TEST(mqtt_decode_properties, lengths_must_fit) {
    EXPECT_EQ(decode_error_of(v5, "30 05 00 01 74 05 01"), malformed);    // block past the packet
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 02 02 00"), malformed); // value past the block
    EXPECT_EQ(decode_error_of(v5, "30 06 00 01 74 80 00 00"), malformed); // non-minimal length
    // A value may not borrow bytes from after the block: the string length is checked
    // against the block, not the packet.
    EXPECT_EQ(decode_error_of(v5, "30 0A 00 01 74 03 03 00 02 61 62 63"), malformed);
}

TEST(mqtt_decode_properties, v311_has_no_property_block) {
    // The byte after the packet id is payload in 3.1.1.
    auto p = decode_packet(version::v311, "32 06 00 01 74 00 01 00");
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<publish>(*p).payload, std::string(1, '\0'));
}
