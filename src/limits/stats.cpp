#include "runnel/limits/stats.hpp"

#include <string>

namespace runnel::limits {

std::string_view name(limit l) noexcept {
    static constexpr std::array<std::string_view, limit_count> names = {
        "publish_rate", "subscriptions", "connections_per_address", "message_size", "header_size",
        "body_size", "frame_size", "packet_size", "handshake_timeout", "idle_timeout", "connections",
        "listener_connections", "streams"};
    return names[static_cast<std::size_t>(l)];
}

stats::stats(obs::registry& r) {
    for (std::size_t i = 0; i < limit_count; ++i) {
        auto label = "limit=\"" + std::string(name(static_cast<limit>(i))) + "\"";
        counters_[i] = &r.make_counter("runnel_limit_exceeded_total",
                                       "Times a limit refused, throttled or cut a client, by limit", label);
    }
}

} // namespace runnel::limits
