// Framing: fixed-header flags, remaining length, size limit, need_more on truncation,
// trailing bytes, streams of several packets, and random input.
#include "codec_test_util.hpp"
#include "sample_packets.hpp"

#include <random>

using namespace runnel::codec::mqtt;
using namespace runnel::codec::mqtt::test::names;
using test::decode_error_of;
using test::unhex;

namespace {


bool is_need_more(const decode_step& s) { return std::holds_alternative<need_more>(s); }

} // namespace

TEST(mqtt_decoder, reserved_packet_type_0_is_malformed) {
    EXPECT_EQ(decode_error_of(v311, "00 00"), malformed);
    EXPECT_EQ(decode_error_of(v5, "00 00"), malformed);
}

TEST(mqtt_decoder, reserved_flags_must_be_exact) {
    EXPECT_EQ(decode_error_of(v311, "60 02 00 01"), malformed); // PUBREL needs 0010
    EXPECT_EQ(decode_error_of(v311, "80 06 00 01 00 01 61 00"), malformed); // SUBSCRIBE
    EXPECT_EQ(decode_error_of(v311, "A0 05 00 01 00 01 61"), malformed);   // UNSUBSCRIBE
    EXPECT_EQ(decode_error_of(v311, "41 02 00 01"), malformed);   // PUBACK needs 0000
    EXPECT_EQ(decode_error_of(v311, "C2 00"), malformed);         // PINGREQ
    EXPECT_EQ(decode_error_of(v5, "E1 00"), malformed);           // DISCONNECT
    EXPECT_EQ(decode_error_of(v5, "F8 00"), malformed);           // AUTH
    EXPECT_EQ(decode_error_of(v311, "11 00"), malformed);         // CONNECT
}

TEST(mqtt_decoder, publish_qos3_and_qos0_dup_are_malformed) {
    EXPECT_EQ(decode_error_of(v311, "36 05 00 01 74 00 01"), malformed);
    EXPECT_EQ(decode_error_of(v5, "38 03 00 01 74"), malformed);
    // Rejected from the first byte alone, without waiting for the rest.
    EXPECT_EQ(decode_error_of(v311, "36"), malformed);
}

TEST(mqtt_decoder, remaining_length_of_five_bytes_is_malformed) {
    EXPECT_EQ(decode_error_of(v311, "30 FF FF FF FF 7F"), malformed);
    EXPECT_EQ(decode_error_of(v311, "30 80 80 80 80"), malformed);
    // Four bytes with the continuation bit still set on the last one may yet be valid.
    EXPECT_TRUE(is_need_more(test::decode_as(v311, unhex("30 FF FF FF"))));
}

TEST(mqtt_decoder, remaining_length_must_be_minimal) {
    EXPECT_EQ(decode_error_of(v311, "C0 80 00"), malformed);
    EXPECT_EQ(decode_error_of(v5, "30 83 80 00"), malformed);
}

TEST(mqtt_decoder, oversize_detected_from_fixed_header_alone) {
    decoder_limits lim{.max_packet_size = 16};
    // 1 + 2 + 255 bytes announced; only the three header bytes are present.
    auto step = test::decode_as(v311, unhex("30 FF 01"), nullptr, lim);
    EXPECT_EQ(test::error_reason(step), reason::packet_too_large);
    // The largest remaining length (4 bytes) against a 1 MiB limit.
    lim.max_packet_size = 1u << 20;
    EXPECT_EQ(test::error_reason(test::decode_as(v311, unhex("30 FF FF FF 7F"), nullptr, lim)),
              reason::packet_too_large);
}

TEST(mqtt_decoder, packet_of_exactly_the_limit_is_accepted) {
    decoder_limits lim{.max_packet_size = 5};
    std::string pkt = unhex("30 03 00 01 74");
    std::size_t used = 0;
    EXPECT_TRUE(std::holds_alternative<packet>(test::decode_as(v311, pkt, &used, lim)));
    EXPECT_EQ(used, 5u);
    lim.max_packet_size = 4;
    EXPECT_EQ(test::error_reason(test::decode_as(v311, pkt, nullptr, lim)),
              reason::packet_too_large);
}

TEST(mqtt_decoder, set_max_packet_size_applies_to_later_packets) {
    decoder d;
    d.set_max_packet_size(2);
    std::size_t used = 0;
    EXPECT_EQ(test::error_reason(d.next(unhex("30 03 00 01 74"), used)), reason::packet_too_large);
    EXPECT_TRUE(std::holds_alternative<packet>(d.next(unhex("C0 00"), used)));
}

TEST(mqtt_decoder, every_truncation_of_a_valid_packet_needs_more) {
    for (version v : {v311, v5}) {
        for (const packet& p : test::sample_packets(v)) {
            const std::string bytes = encode(p, v);
            for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
                std::size_t used = 99;
                auto step = test::decode_as(v, std::string_view(bytes).substr(0, cut), &used);
                ASSERT_TRUE(is_need_more(step))
                    << "cut " << cut << " of " << test::hex(bytes) << " -> reason "
                    << test::error_reason(step);
                EXPECT_EQ(used, 0u);
            }
        }
    }
}

TEST(mqtt_decoder, trailing_bytes_inside_remaining_length_are_malformed) {
    EXPECT_EQ(decode_error_of(v311, "C0 01 00"), malformed);       // PINGREQ with a body
    EXPECT_EQ(decode_error_of(v311, "40 03 00 01 00"), malformed); // 3.1.1 PUBACK with reason
    EXPECT_EQ(decode_error_of(v311, "20 03 00 00 00"), malformed); // CONNACK
    EXPECT_EQ(decode_error_of(v311, "B0 03 00 01 00"), malformed); // 3.1.1 UNSUBACK
}

TEST(mqtt_decoder, body_shorter_than_its_fields_is_malformed) {
    EXPECT_EQ(decode_error_of(v311, "30 02 00 05"), malformed);      // topic runs past the end
    EXPECT_EQ(decode_error_of(v311, "32 03 00 01 74"), malformed);   // missing packet id
    EXPECT_EQ(decode_error_of(v311, "40 01 00"), malformed);         // half a packet id
    EXPECT_EQ(decode_error_of(v5, "32 05 00 01 74 00 01"), malformed); // missing property length
}

TEST(mqtt_decoder, bytes_after_the_packet_are_left_for_the_next_call) {
    std::string stream = unhex("C0 00  40 02 00 07  D0 00");
    decoder d;
    std::size_t used = 0;
    std::vector<packet_type> types;
    std::string_view rest = stream;
    while (!rest.empty()) {
        auto step = d.next(rest, used);
        ASSERT_TRUE(std::holds_alternative<packet>(step));
        types.push_back(type_of(std::get<packet>(step)));
        rest.remove_prefix(used);
    }
    EXPECT_EQ(types, (std::vector{packet_type::pingreq, packet_type::puback, packet_type::pingresp}));
    EXPECT_TRUE(is_need_more(d.next(rest, used)));
}

TEST(mqtt_decoder, connect_switches_the_decoder_version) {
    decoder d;
    std::size_t used = 0;
    EXPECT_EQ(d.protocol_version(), v311);
    auto step = d.next(unhex("10 0D 00 04 4D 51 54 54 05 02 00 00 00 00 00"), used);
    ASSERT_TRUE(std::holds_alternative<packet>(step)) << test::error_reason(step);
    EXPECT_EQ(d.protocol_version(), v5);
    // AUTH and v5 ack forms are now accepted.
    EXPECT_TRUE(std::holds_alternative<packet>(d.next(unhex("F0 00"), used)));
    EXPECT_TRUE(std::holds_alternative<packet>(d.next(unhex("40 03 00 01 10"), used)));

    decoder old;
    ASSERT_TRUE(std::holds_alternative<packet>(
        old.next(unhex("10 0F 00 06 4D 51 49 73 64 70 03 02 00 0A 00 01 63"), used)));
    EXPECT_EQ(old.protocol_version(), version::v31);
    EXPECT_EQ(test::error_reason(old.next(unhex("F0 00"), used)), malformed);
}

TEST(mqtt_decoder, failed_connect_leaves_the_version_alone) {
    decoder d;
    std::size_t used = 0;
    auto step = d.next(unhex("10 0D 00 04 4D 51 54 54 05 03 00 00 00 00 00"), used);
    EXPECT_EQ(test::error_reason(step), malformed); // reserved connect flag
    EXPECT_EQ(d.protocol_version(), v311);
}

TEST(mqtt_decoder, random_bytes_never_crash) {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
    std::size_t packets = 0;
    for (int round = 0; round < 50'000; ++round) {
        std::string buf(static_cast<std::size_t>(len(rng)), '\0');
        for (auto& c : buf) c = static_cast<char>(byte(rng));
        // Bias towards plausible headers so bodies get exercised, not just the first byte.
        if (!buf.empty()) buf[0] = static_cast<char>((buf[0] & 0xF0) | (round % 3 == 0 ? 2 : 0));
        if (buf.size() > 1) buf[1] = static_cast<char>(static_cast<std::uint8_t>(buf[1]) % (buf.size() - 1));
        decoder d;
        d.set_protocol_version(round % 2 ? v5 : v311);
        std::string_view rest = buf;
        std::size_t used = 0;
        while (true) {
            auto step = d.next(rest, used);
            if (!std::holds_alternative<packet>(step)) break;
            ++packets;
            ASSERT_GT(used, 0u);
            rest.remove_prefix(used);
        }
    }
    EXPECT_GT(packets, 0u); // the bias above must actually reach packet bodies
}
