#pragma once
/// What every gateway asks before a client may use more of the node: the payload size its
/// channel allows (limits.message_size, first matching pattern wins), whether one more
/// subscription fits on the connection (limits.max_subscriptions), and a publish bucket per
/// connection (limits.publish_rate / publish_burst). A refusal is counted in `stats` and comes
/// with the text each protocol sends in its own words (reason string, JSON error, HTTP body).
/// Affinity: immutable after construction apart from the (atomic) counters; shared by every
/// worker. Ownership: owns its rules; refers to the node's stats.
#include "runnel/limits/stats.hpp"
#include "runnel/limits/token_bucket.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::limits {

/// The largest payload (bytes) a message on the channels matching `match` (an MQTT filter) may carry.
struct size_rule {
    std::string match;
    std::size_t max_bytes = 0;
};

struct options {
    std::uint32_t publish_rate = 0;  // messages a second per connection; 0 = no limit
    std::uint32_t publish_burst = 0; // messages a connection may send at once; 0 = publish_rate
    std::size_t max_subscriptions = 1000; // per connection (an MQTT session); 0 = no limit
    std::vector<size_rule> message_size;
};

/// Whole seconds for a Retry-After header: `wait` rounded up, at least 1.
std::chrono::seconds retry_after(std::chrono::nanoseconds wait) noexcept;

class guard {
public:
    guard(options o, stats& s) : opts_(std::move(o)), stats_(s) {}

    const options& opts() const noexcept { return opts_; }
    void hit(limit l) noexcept { stats_.hit(l); }
    stats& counters() noexcept { return stats_; }

    /// A full bucket for a new connection.
    token_bucket publish_bucket(token_bucket::clock::time_point now) const noexcept {
        return token_bucket(opts_.publish_rate, opts_.publish_burst, now);
    }
    /// Counts a publish refused for its rate and says why; `retry_in` is the bucket's wait.
    std::string refuse_publish_rate(std::chrono::nanoseconds retry_in);

    /// The payload limit of the first rule matching `channel`, or none.
    std::optional<std::size_t> max_message(std::string_view channel) const;
    /// When `bytes` of payload are more than `channel` allows: counts it and says why.
    std::optional<std::string> refuse_message(std::string_view channel, std::size_t bytes);

    /// When a connection that holds `held` subscriptions may not add one: counts it and says why.
    std::optional<std::string> refuse_subscription(std::size_t held);

private:
    options opts_;
    stats& stats_;
};

} // namespace runnel::limits
