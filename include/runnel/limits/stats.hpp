#pragma once
/// One counter per abuse limit, the family `runnel_limit_exceeded_total{limit="..."}`: every
/// time a limit refuses, throttles or cuts something, its counter goes up by one.
/// Affinity: thread-safe (relaxed atomics). Ownership: the counters live in the registry.
#include "runnel/obs/metrics.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace runnel::limits {

enum class limit : std::uint8_t {
    publish_rate,            // limits.publish_rate: refused (v5 QoS 1/2, JSON, REST) or throttled
    subscriptions,           // limits.max_subscriptions
    connections_per_address, // limits.max_connections_per_address: closed at accept
    message_size,            // limits.message_size
    header_size,             // http.max_header: 431
    body_size,               // http.max_body: 413
    frame_size,              // http.max_frame: WebSocket close 1009
    packet_size,             // mqtt.max_packet_size: DISCONNECT 0x95
    handshake_timeout,       // mqtt.connect_timeout, http.handshake_timeout, listeners[].tls.handshake_timeout
    idle_timeout,            // http.idle_timeout, MQTT keep alive
    connections,             // limits.max_connections: CONNACK 0x97
    listener_connections,    // listeners[].max_connections: closed at accept
    streams,                 // http.max_streams: 429
};
inline constexpr std::size_t limit_count = 13;

/// The label value, e.g. "publish_rate".
std::string_view name(limit l) noexcept;

class stats {
public:
    explicit stats(obs::registry& r);
    void hit(limit l) noexcept { counters_[static_cast<std::size_t>(l)]->inc(); }
    std::uint64_t value(limit l) const noexcept { return counters_[static_cast<std::size_t>(l)]->value(); }

private:
    std::array<obs::counter*, limit_count> counters_{};
};

} // namespace runnel::limits
