#include "runnel/limits/guard.hpp"

#include "runnel/core/topic.hpp"

#include <algorithm>

namespace runnel::limits {

std::chrono::seconds retry_after(std::chrono::nanoseconds wait) noexcept {
    auto s = std::chrono::ceil<std::chrono::seconds>(wait);
    return std::max(s, std::chrono::seconds(1));
}

std::string guard::refuse_publish_rate(std::chrono::nanoseconds retry_in) {
    stats_.hit(limit::publish_rate);
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(retry_in).count();
    return "publish rate above limits.publish_rate (" + std::to_string(opts_.publish_rate) +
           " messages/s per connection), retry in " + std::to_string(ms) + "ms";
}

std::optional<std::size_t> guard::max_message(std::string_view channel) const {
    for (const auto& r : opts_.message_size) {
        if (core::filter_matches(r.match, channel)) return r.max_bytes;
    }
    return std::nullopt;
}

std::optional<std::string> guard::refuse_message(std::string_view channel, std::size_t bytes) {
    if (opts_.message_size.empty()) return std::nullopt;
    auto max = max_message(channel);
    if (!max || bytes <= *max) return std::nullopt;
    stats_.hit(limit::message_size);
    return "message of " + std::to_string(bytes) + " bytes is larger than the " + std::to_string(*max) +
           " bytes limits.message_size allows on " + std::string(channel);
}

std::optional<std::string> guard::refuse_subscription(std::size_t held) {
    if (opts_.max_subscriptions == 0 || held < opts_.max_subscriptions) return std::nullopt;
    stats_.hit(limit::subscriptions);
    return "subscription limit reached: " + std::to_string(opts_.max_subscriptions) +
           " per connection (limits.max_subscriptions)";
}

} // namespace runnel::limits
