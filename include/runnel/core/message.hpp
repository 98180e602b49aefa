#pragma once
/// The protocol-free message every module passes around. Built once at ingress, stamped with its
/// cursor by the channel's router shard, then immutable and shared (`message_ptr`) across
/// workers; per-subscriber state lives in the delivery envelope.
#include "runnel/core/cursor.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace runnel::core {

using steady_time = std::chrono::steady_clock::time_point;

struct user_property {
    std::string name;
    std::string value;
    bool operator==(const user_property&) const = default;
};

struct message {
    std::string topic;
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
    // Headers carried end to end (MQTT v5 properties; JSON "headers" on the web surfaces).
    std::optional<std::uint8_t> payload_format; // 0 = bytes, 1 = UTF-8
    std::optional<std::string> content_type;
    std::optional<std::string> response_topic;
    std::optional<std::string> correlation_data;
    std::vector<user_property> user_properties;
    /// When the message stops being delivered (MQTT message expiry); none = never.
    std::optional<steady_time> expires_at;
    /// Publishing client id ("from"); no-local compares against it.
    std::string origin_client;
    /// Stamped by the channel's router shard before anyone else sees the message.
    cursor cur;
    /// Publishes with the same key on the same channel within the idempotency window are one
    /// publish (JSON `idempotency_key`, HTTP `Idempotency-Key`, MQTT v5 user property
    /// `idempotency-key`). Not delivered as such.
    std::string idempotency_key;
};

using message_ptr = std::shared_ptr<const message>;

inline message_ptr make_message(message m) { return std::make_shared<const message>(std::move(m)); }

/// Seconds left before `m` expires at `now`, rounded up; nullopt when it never expires. Zero
/// means already expired.
inline std::optional<std::uint32_t> remaining_expiry(const message& m, steady_time now) {
    if (!m.expires_at) return std::nullopt;
    if (*m.expires_at <= now) return 0u;
    auto left = std::chrono::ceil<std::chrono::seconds>(*m.expires_at - now).count();
    return static_cast<std::uint32_t>(left);
}

} // namespace runnel::core
