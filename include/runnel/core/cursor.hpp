#pragma once
/// Where a message sits (DESIGN.md "One channel namespace"): `offset` in its channel (gap-free
/// from 1), the channel's `epoch` (a new one means the offsets started over) and `tt`, a
/// timetoken in 100 ns units since the Unix epoch, strictly increasing across the node.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::core {

struct cursor {
    std::uint64_t offset = 0; // 0 = not stamped (never routed)
    std::uint64_t epoch = 0;
    std::uint64_t tt = 0;
    bool stamped() const noexcept { return offset != 0; }
    bool operator==(const cursor&) const = default;
};

/// The epoch as clients see it: 16 lowercase hex digits.
std::string epoch_string(std::uint64_t epoch);
/// A timetoken as clients see it: a decimal string (JavaScript numbers stop at 2^53).
inline std::string tt_string(std::uint64_t tt) { return std::to_string(tt); }
/// Parses a decimal timetoken (1..20 digits, no sign, fits 64 bits); nullopt otherwise.
std::optional<std::uint64_t> parse_tt(std::string_view s) noexcept;

/// Hands out timetokens: wall-clock time in 100 ns units, bumped by one when the clock has not
/// moved (or went back), so every value is larger than every value handed out before.
/// Thread-safe and lock-free.
class timetoken_clock {
public:
    std::uint64_t next() noexcept;
    /// The largest timetoken handed out so far (the start time before the first).
    std::uint64_t last() const noexcept { return last_.load(std::memory_order_seq_cst); }
    timetoken_clock() noexcept;
    /// Makes every later value larger than `tt` (a restart continues after what was stored).
    void advance_to(std::uint64_t tt) noexcept;

private:
    std::atomic<std::uint64_t> last_;
};

} // namespace runnel::core
