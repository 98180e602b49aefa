#pragma once
/// Reconnect pacing for `runnel sub --via http|sse`: a delay that doubles from `base` up to a
/// cap, for a bounded number of attempts in a row; the first successful exchange resets it.
/// Affinity: the subscribing coroutine.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace runnel::client_cli {

class backoff {
public:
    static constexpr int max_attempts = 8;
    static constexpr std::chrono::milliseconds cap{8'000};

    explicit backoff(std::chrono::milliseconds base) : base_(base) {}

    /// Notes `why` on stderr and waits before the next attempt; throws failure (naming `why`)
    /// when the attempts in a row are used up.
    boost::asio::awaitable<void> wait(const std::string& why);
    void reset() noexcept { attempts_ = 0; }
    /// The server's advice (SSE `retry:`), within [100ms, cap].
    void set_base(std::chrono::milliseconds b) noexcept;
    /// The delay before attempt `n` (0-based).
    std::chrono::milliseconds delay(int n) const noexcept;

private:
    std::chrono::milliseconds base_;
    int attempts_ = 0;
};

/// Statuses a subscriber that was already in retries (with the backoff): 429 (too many waiting
/// streams, http.max_streams) and 503 (shutting down).
constexpr bool passing_status(unsigned status) noexcept { return status == 429 || status == 503; }

} // namespace runnel::client_cli
