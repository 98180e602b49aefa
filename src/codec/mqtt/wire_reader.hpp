#pragma once
/// Bounds-checked cursor over one packet body (the bytes after the fixed header).
/// The first failure is latched: later reads return zero values and `at_end()` turns true, so
/// per-packet decoders read straight through and check `failed()` once at the end instead of
/// after every field. Every length prefix is checked against the bytes present before anything
/// is copied, so no allocation is ever sized by an unchecked length field.
/// Affinity: a stack value inside one decode call; does not own the bytes.
#include "runnel/codec/mqtt/packet.hpp"
#include "runnel/core/topic.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::codec::mqtt::detail {

/// Largest value a variable byte integer can carry (4 bytes of 7 bits).
inline constexpr std::uint32_t max_varint = 268'435'455;

/// Outcome of reading a variable byte integer from a prefix of the input.
enum class varint_status { ok, incomplete, too_long, not_minimal };

/// Reads a variable byte integer at the start of `in`. `used` is its length when ok.
/// Non-minimal forms (e.g. 0x80 0x00) are rejected: MQTT 5.0 1.5.5 requires the shortest
/// encoding and no 3.1.1 implementation we know of sends anything else.
inline varint_status parse_varint(std::string_view in, std::uint32_t& value, std::size_t& used) {
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i >= in.size()) return varint_status::incomplete;
        auto b = static_cast<std::uint8_t>(in[i]);
        value |= static_cast<std::uint32_t>(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            if (i > 0 && b == 0) return varint_status::not_minimal;
            used = i + 1;
            return varint_status::ok;
        }
    }
    return varint_status::too_long;
}

class wire_reader {
public:
    wire_reader(std::string_view body, version v) : in_(body), version_(v) {}

    version ver() const noexcept { return version_; }
    /// CONNECT switches the layout mid-body once its protocol level is known.
    void set_version(version v) noexcept { version_ = v; }
    bool v5() const noexcept { return version_ == version::v5; }
    bool failed() const noexcept { return error_ != nullptr; }
    std::uint8_t error_reason() const noexcept { return reason_; }
    const char* error_message() const noexcept { return error_ ? error_ : ""; }
    /// True when nothing is left or a read failed, so `while (!r.at_end())` loops stop on errors.
    bool at_end() const noexcept { return failed() || pos_ >= in_.size(); }
    std::size_t remaining() const noexcept { return failed() ? 0 : in_.size() - pos_; }

    /// Records the first error only: it is the one closest to the cause.
    void fail(std::uint8_t reason_code, const char* why) noexcept {
        if (error_) return;
        error_ = why;
        reason_ = reason_code;
    }
    void malformed(const char* why) noexcept { fail(reason::malformed_packet, why); }

    std::uint8_t u8() noexcept {
        if (!need(1)) return 0;
        return static_cast<std::uint8_t>(in_[pos_++]);
    }

    std::uint16_t u16() noexcept {
        if (!need(2)) return 0;
        auto hi = static_cast<std::uint8_t>(in_[pos_]);
        auto lo = static_cast<std::uint8_t>(in_[pos_ + 1]);
        pos_ += 2;
        return static_cast<std::uint16_t>((hi << 8) | lo);
    }

    std::uint32_t u32() noexcept {
        if (!need(4)) return 0;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[pos_ + i]);
        pos_ += 4;
        return v;
    }

    std::uint32_t varint() noexcept {
        if (failed()) return 0;
        std::uint32_t v = 0;
        std::size_t used = 0;
        switch (parse_varint(in_.substr(pos_), v, used)) {
        case varint_status::ok: pos_ += used; return v;
        case varint_status::incomplete: malformed("variable byte integer runs past the packet"); break;
        case varint_status::too_long: malformed("variable byte integer longer than 4 bytes"); break;
        case varint_status::not_minimal: malformed("variable byte integer not minimally encoded"); break;
        }
        return 0;
    }

    /// Two-byte length prefixed bytes, unchecked content (binary data, will payload, password).
    std::string_view binary_view() noexcept {
        std::uint16_t n = u16();
        if (!need(n)) return {};
        auto s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    std::string binary() { return std::string(binary_view()); }

    /// UTF-8 encoded string (MQTT 1.5.4): malformed unless valid MQTT UTF-8.
    std::string utf8() {
        auto s = binary_view();
        if (!core::valid_mqtt_utf8(s)) malformed("invalid UTF-8 string");
        return failed() ? std::string() : std::string(s);
    }

    /// Everything left (PUBLISH payload, reason code lists).
    std::string_view rest() noexcept {
        if (failed()) return {};
        auto s = in_.substr(pos_);
        pos_ = in_.size();
        return s;
    }

    /// A sub-reader over the next `n` bytes (the property block); this reader skips past them.
    wire_reader take(std::size_t n) noexcept {
        if (!need(n)) return wire_reader({}, version_);
        wire_reader sub(in_.substr(pos_, n), version_);
        pos_ += n;
        return sub;
    }

    /// Carries a sub-reader's error into this one.
    void absorb(const wire_reader& sub) noexcept {
        if (sub.failed()) fail(sub.reason_, sub.error_);
    }

private:
    bool need(std::size_t n) noexcept {
        if (failed()) return false;
        if (in_.size() - pos_ >= n) return true;
        malformed("field runs past the end of the packet");
        return false;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    version version_;
    const char* error_ = nullptr;
    std::uint8_t reason_ = reason::success;
};

} // namespace runnel::codec::mqtt::detail
