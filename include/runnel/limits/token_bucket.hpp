#pragma once
/// A token bucket for one connection's publishes: `rate` tokens a second, at most `burst` saved
/// up, full at the start. Kept as the theoretical arrival time of the next token (GCRA), so it
/// is one time point and integer arithmetic, with the same answers as counting tokens.
/// Pure: the caller passes the time, so tests drive it with a made-up clock.
/// Affinity: none (a value; one connection uses it on its worker).
#include <chrono>
#include <cstdint>

namespace runnel::limits {

class token_bucket {
public:
    using clock = std::chrono::steady_clock;

    /// rate 0 = unlimited (every take succeeds); burst 0 = one second's worth (= rate).
    token_bucket(std::uint32_t rate, std::uint32_t burst, clock::time_point now) noexcept;

    bool unlimited() const noexcept { return interval_.count() == 0; }
    /// Takes a token if there is one.
    bool try_take(clock::time_point now) noexcept;
    /// How long until a token is there; zero when there is one now.
    clock::duration wait(clock::time_point now) const noexcept;

private:
    std::chrono::nanoseconds interval_{0};  // one token's worth of time
    std::chrono::nanoseconds tolerance_{0}; // (burst - 1) tokens' worth
    clock::time_point next_;                // when the bucket is one token short of full
};

} // namespace runnel::limits
