// JSON string escaping for the push path: copy runs of plain bytes in one append, stop only
// at quotes, backslashes, control characters and the first byte of a UTF-8 sequence.
#include "runnel/codec/json/text.hpp"

#include <array>
#include <cstdint>

namespace runnel::codec::json {

namespace {

// 0 = copy as is; 1 = needs an escape; 2 = first byte of a multi-byte sequence (check it).
constexpr std::array<std::uint8_t, 256> byte_class = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 1;
    t['"'] = 1;
    t['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
    return t;
}();

// Length of the well-formed UTF-8 sequence at `p` (2..4), or 0 (RFC 3629 table 3-7: no
// overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t sequence_length(const unsigned char* p, const unsigned char* end) noexcept {
    const auto left = end - p;
    auto cont = [&](int i, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return i < left && p[i] >= lo && p[i] <= hi;
    };
    const unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c >= 0xE1 && c <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

void append_escape(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
    }
    const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
    out.append(u, sizeof u);
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = p + s.size();
    const auto* run = p; // start of the bytes not yet appended
    while (p < end) {
        const std::uint8_t cls = byte_class[*p];
        if (cls == 0) {
            ++p;
            continue;
        }
        if (cls == 2) {
            if (std::size_t n = sequence_length(p, end)) {
                p += n;
                continue;
            }
        }
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        if (cls == 2) out += "\\ufffd";
        else append_escape(out, *p);
        run = ++p;
    }
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    out += '"';
}

} // namespace runnel::codec::json
