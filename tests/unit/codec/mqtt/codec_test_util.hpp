#pragma once
/// Helpers shared by the MQTT codec tests: annotated hex <-> bytes, one-shot decoding, and
/// golden checks that run a byte string through both the decoder and the encoder.
/// Affinity: test-only, single-threaded.
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace runnel::codec::mqtt {
namespace test {

/// Short names every codec test uses (`using namespace runnel::codec::mqtt::test::names;`).
namespace names {
inline constexpr auto v311 = version::v311;
inline constexpr auto v5 = version::v5;
inline constexpr int malformed = reason::malformed_packet;
inline constexpr int protocol_error = reason::protocol_error;
inline constexpr int unsupported = reason::unsupported_protocol_version;
} // namespace names

/// "32 08 00 01" -> bytes. Whitespace is ignored so adjacent literals can be annotated one
/// field per line; a stray odd digit is a bug in the test and fails loudly.
inline std::string unhex(std::string_view text) {
    std::string out;
    int pending = -1;
    for (char ch : text) {
        if (std::isspace(static_cast<unsigned char>(ch))) continue;
        int v = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0'
                                                              : std::tolower(ch) - 'a' + 10;
        EXPECT_TRUE(v >= 0 && v < 16) << "bad hex digit '" << ch << "'";
        if (pending < 0) {
            pending = v;
        } else {
            out.push_back(static_cast<char>(pending * 16 + v));
            pending = -1;
        }
    }
    EXPECT_EQ(pending, -1) << "odd number of hex digits";
    return out;
}

/// bytes -> "32 08 00 01" (upper case, single spaces), for readable failure messages.
inline std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : bytes) {
        auto b = static_cast<std::uint8_t>(c);
        if (!out.empty()) out.push_back(' ');
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0F]);
    }
    return out;
}

} // namespace test

/// gtest printer: a packet shows as its v5 encoding, which names every field unambiguously.
inline void PrintTo(const packet& p, std::ostream* os) {
    *os << "packet type " << static_cast<int>(type_of(p)) << " ["
        << test::hex(encode(p, version::v5)) << "]";
}

namespace test {

/// Decodes `bytes` with a fresh decoder set to `v`; `consumed` receives the byte count.
inline decode_step decode_as(version v, std::string_view bytes, std::size_t* consumed = nullptr,
                             decoder_limits lim = {}) {
    decoder d(lim);
    d.set_protocol_version(v);
    std::size_t used = 0;
    auto step = d.next(bytes, used);
    if (consumed) *consumed = used;
    return step;
}

/// The reason code of a decode_error, or -1 when the step is not an error.
inline int error_reason(const decode_step& s) {
    const auto* e = std::get_if<decode_error>(&s);
    return e ? e->reason_code : -1;
}

/// The packet decoded from annotated hex, or nullopt on need_more or an error.
inline std::optional<packet> decode_packet(version v, std::string_view annotated_hex) {
    auto step = decode_as(v, unhex(annotated_hex));
    if (auto* p = std::get_if<packet>(&step)) return std::move(*p);
    return std::nullopt;
}

inline int decode_error_of(version v, std::string_view annotated_hex) {
    return error_reason(decode_as(v, unhex(annotated_hex)));
}

/// Golden check: the bytes decode to `expected` (consuming all of them), `expected` encodes to
/// exactly the bytes, and encoded_size agrees.
inline void expect_golden(version v, std::string_view annotated_hex, const packet& expected) {
    const std::string bytes = unhex(annotated_hex);
    std::size_t used = 0;
    auto step = decode_as(v, bytes, &used);
    const auto* got = std::get_if<packet>(&step);
    ASSERT_NE(got, nullptr) << "decode failed: "
                            << (std::holds_alternative<decode_error>(step)
                                    ? std::get<decode_error>(step).message
                                    : std::string("need_more"));
    EXPECT_EQ(*got, expected);
    EXPECT_EQ(used, bytes.size());
    EXPECT_EQ(hex(encode(expected, v)), hex(bytes));
    EXPECT_EQ(encoded_size(expected, v), bytes.size());
}

} // namespace test
} // namespace runnel::codec::mqtt
