#include "runnel/core/cursor.hpp"

#include <charconv>
#include <chrono>

namespace runnel::core {
namespace {

std::uint64_t wall_tt() noexcept {
    using tick = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>;
    auto t = std::chrono::duration_cast<tick>(std::chrono::system_clock::now().time_since_epoch()).count();
    return t > 0 ? static_cast<std::uint64_t>(t) : 0;
}

} // namespace

std::string epoch_string(std::uint64_t epoch) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, epoch >>= 4) s[static_cast<std::size_t>(i)] = digits[epoch & 0xF];
    return s;
}

std::optional<std::uint64_t> parse_tt(std::string_view s) noexcept {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

timetoken_clock::timetoken_clock() noexcept : last_(wall_tt()) {}

void timetoken_clock::advance_to(std::uint64_t tt) noexcept {
    auto prev = last_.load(std::memory_order_relaxed);
    while (prev < tt && !last_.compare_exchange_weak(prev, tt, std::memory_order_seq_cst, std::memory_order_relaxed)) {
    }
}

std::uint64_t timetoken_clock::next() noexcept {
    auto now = wall_tt();
    auto prev = last_.load(std::memory_order_relaxed);
    for (;;) {
        auto want = now > prev ? now : prev + 1;
        if (last_.compare_exchange_weak(prev, want, std::memory_order_seq_cst, std::memory_order_relaxed)) return want;
    }
}

} // namespace runnel::core
