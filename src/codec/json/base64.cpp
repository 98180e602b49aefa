// Standard base64 (RFC 4648 section 4), strict on the alphabet and on the bits after the last
// byte, lenient on padding (browsers pad, some libraries do not).
#include "runnel/codec/json/text.hpp"

#include <array>
#include <cstdint>

namespace runnel::codec::json {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> sextet = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}();

} // namespace

void append_base64(std::string& out, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    const std::size_t start = out.size();
    out.resize(start + (n + 2) / 3 * 4);
    char* o = out.data() + start;
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3, o += 4) {
        const std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        o[0] = alphabet[v >> 18];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = alphabet[(v >> 6) & 63];
        o[3] = alphabet[v & 63];
    }
    if (n - i == 1) {
        const std::uint32_t v = p[i] << 16;
        o[0] = alphabet[v >> 18];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = o[3] = '=';
    } else if (n - i == 2) {
        const std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
        o[0] = alphabet[v >> 18];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = alphabet[(v >> 6) & 63];
        o[3] = '=';
    }
}

bool decode_base64(std::string_view text, std::string& out) {
    if (text.size() % 4 == 0 && !text.empty() && text.back() == '=') {
        text.remove_suffix(1);
        if (text.back() == '=') text.remove_suffix(1);
    }
    if (text.size() % 4 == 1) return false;
    out.reserve(out.size() + text.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char ch : text) {
        const int v = sextet[static_cast<unsigned char>(ch)];
        if (v < 0) return false; // also a '=' anywhere but at the end
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    // The 2 or 4 bits left over must be zero, so each byte string has one encoding.
    return (acc & ((1u << bits) - 1)) == 0;
}

std::optional<std::string> decode_base64(std::string_view text) {
    std::string out;
    if (!decode_base64(text, out)) return std::nullopt;
    return out;
}

} // namespace runnel::codec::json
