#pragma once
/// Big-endian fixed-width integers, LEB128 lengths and length-prefixed strings over a
/// std::string (writing) or a string_view (reading). The reader never reads past its input: a
/// short or malformed input sets `failed()` and every later read returns zero / empty.
/// Affinity: none (values).
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::store {

class byte_writer {
public:
    explicit byte_writer(std::string& out) : out_(out) {}
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v) { be(v, 2); }
    void u32(std::uint32_t v) { be(v, 4); }
    void u64(std::uint64_t v) { be(v, 8); }
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            u8(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        u8(static_cast<std::uint8_t>(v));
    }
    void str(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }
    void raw(std::string_view s) { out_.append(s); }

private:
    void be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    std::string& out_;
};

class byte_reader {
public:
    explicit byte_reader(std::string_view in) : in_(in) {}
    std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
    std::uint64_t u64() { return be(8); }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            auto b = u8();
            if (failed_) return 0;
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80)) return v;
        }
        failed_ = true; // more than 10 bytes
        return 0;
    }
    std::string_view str() { return raw(varint()); }
    std::string_view raw(std::uint64_t n) {
        if (failed_ || n > in_.size()) {
            failed_ = true;
            return {};
        }
        auto s = in_.substr(0, n);
        in_.remove_prefix(n);
        return s;
    }
    void fail() noexcept { failed_ = true; }
    bool failed() const noexcept { return failed_; }
    std::size_t left() const noexcept { return in_.size(); }
    std::string_view rest() const noexcept { return in_; }

private:
    std::uint64_t be(int n) {
        if (failed_ || in_.size() < static_cast<std::size_t>(n)) {
            failed_ = true;
            return 0;
        }
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[i]);
        in_.remove_prefix(n);
        return v;
    }
    std::string_view in_;
    bool failed_ = false;
};

} // namespace runnel::store
