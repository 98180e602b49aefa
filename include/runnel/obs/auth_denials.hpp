#pragma once
/// `runnel_auth_denied_total{protocol,action}`: requests and sessions refused for their
/// credentials (action "connect": no, bad, expired or revoked token) or for a missing grant
/// (the action asked for; "will": an MQTT will topic without a publish grant). Each gateway makes one per protocol label ("http", "json", "mqtt");
/// the series share one metric name, so /metrics shows them together.
/// Affinity: counting is thread-safe (relaxed atomics); construct at startup.
#include "runnel/obs/metrics.hpp"

#include <array>
#include <string_view>

namespace runnel::obs {

class auth_denials {
public:
    auth_denials(registry& r, std::string_view protocol);
    /// `action`: "connect", "subscribe", "publish", "history", "presence", "admin" or "will";
    /// anything else counts as "connect".
    void count(std::string_view action) noexcept;
    std::uint64_t value(std::string_view action) const noexcept;

    static constexpr std::array<std::string_view, 7> actions{"connect", "subscribe", "publish",
                                                             "history", "presence", "admin", "will"};

private:
    static std::size_t index(std::string_view action) noexcept;
    std::array<counter*, actions.size()> by_action_{};
};

} // namespace runnel::obs
