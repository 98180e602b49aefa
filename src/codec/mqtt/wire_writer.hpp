#pragma once
/// Output sinks and wire primitives for the encoder. Every body writer is a template over the
/// sink and runs twice: once into a size_sink to learn the remaining length (which precedes
/// the body and is itself variable length), once into a buffer_sink writing into memory sized
/// exactly from that first pass. One code path for both means encoded_size() cannot drift
/// from encode().
/// Affinity: stack values inside one encode call; buffer_sink does not own its memory.
#include "runnel/codec/mqtt/packet.hpp"
#include "runnel/core/assert.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace runnel::codec::mqtt::detail {

class size_sink {
public:
    void byte(std::uint8_t) noexcept { ++n_; }
    void bytes(std::string_view s) noexcept { n_ += s.size(); }
    /// Accounts for bytes whose size is already known without walking them again.
    void skip(std::size_t n) noexcept { n_ += n; }
    std::size_t size() const noexcept { return n_; }

private:
    std::size_t n_ = 0;
};

/// Writes through a raw pointer: the caller has already sized the buffer exactly, so no
/// per-byte capacity checks are needed.
class buffer_sink {
public:
    explicit buffer_sink(char* p) noexcept : p_(p) {}
    void byte(std::uint8_t b) noexcept { *p_++ = static_cast<char>(b); }
    void bytes(std::string_view s) noexcept {
        if (s.empty()) return; // memcpy from a null data() is undefined even for 0 bytes
        std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    char* pos() const noexcept { return p_; }

private:
    char* p_;
};

inline constexpr std::uint32_t max_varint_value = 268'435'455;

inline std::size_t varint_size(std::size_t v) noexcept {
    return v < 128 ? 1 : v < 16'384 ? 2 : v < 2'097'152 ? 3 : 4;
}

template <class S>
void put_u16(S& s, std::uint16_t v) {
    s.byte(static_cast<std::uint8_t>(v >> 8));
    s.byte(static_cast<std::uint8_t>(v));
}

template <class S>
void put_u32(S& s, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.byte(static_cast<std::uint8_t>(v >> shift));
}

template <class S>
void put_varint(S& s, std::size_t v) {
    RUNNEL_ASSERT(v <= max_varint_value);
    do {
        auto b = static_cast<std::uint8_t>(v & 0x7F);
        v >>= 7;
        s.byte(v != 0 ? (b | 0x80) : b);
    } while (v != 0);
}

/// UTF-8 strings and binary data share the layout: two-byte length, then the bytes.
template <class S>
void put_string(S& s, std::string_view str) {
    RUNNEL_ASSERT(str.size() <= 0xFFFF);
    put_u16(s, static_cast<std::uint16_t>(str.size()));
    s.bytes(str);
}

/// Property block: length varint, then every present property in id order.
template <class S>
void put_properties(S& s, const properties& p);
extern template void put_properties(size_sink&, const properties&);
extern template void put_properties(buffer_sink&, const properties&);

/// True when no property is present (lets v5 acks and DISCONNECT use their short forms).
bool no_properties(const properties& p) noexcept;

/// Per-family body writers (encode_connect.cpp, encode_subscribe.cpp); everything after the
/// fixed header.
template <class S> void put_body(S& s, const connect& c, version v);
template <class S> void put_body(S& s, const connack& c, version v);
template <class S> void put_body(S& s, const subscribe& p, version v);
template <class S> void put_body(S& s, const suback& p, version v);
template <class S> void put_body(S& s, const unsubscribe& p, version v);
template <class S> void put_body(S& s, const unsuback& p, version v);

/// v5 CONNACK reason code -> closest 3.1.1 return code (0..5).
std::uint8_t connack_code_to_v311(std::uint8_t reason_code) noexcept;

} // namespace runnel::codec::mqtt::detail
