#pragma once
/// Small value types the broker's parts share. All copyable and safe to pass between workers.
#include <cstdint>
#include <functional>
#include <optional>

namespace runnel::broker {

using worker_id = std::uint32_t;
using session_id = std::uint64_t;

/// Names a session from anywhere; dereferenced only on `worker` (its owner).
struct session_ref {
    worker_id worker = 0;
    session_id id = 0;
    bool operator==(const session_ref&) const = default;
};

/// Per-subscription options (MQTT v5 subscription options; 3.1.1 uses qos only).
struct sub_options {
    std::uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    std::uint32_t sub_id = 0; // subscription identifier, 0 = none
    bool with_cursor = false; // MQTT v5: deliveries carry offset/epoch/tt user properties
    /// MQTT v5 `runnel-presence`: the subscriber's presence choice, kept with the subscription
    /// so a resumed session joins what it chose (presence::presence_enabled). nullopt = none.
    std::optional<bool> presence;
    bool operator==(const sub_options&) const = default;
};

struct subscriber {
    session_ref ref;
    sub_options opts;
    /// The session's durable id when it persists (MQTT session expiry > 0 with a retention
    /// log): the shard records what it owes in the same write as the message. 0 = not kept.
    std::uint64_t durable = 0;
    bool operator==(const subscriber&) const = default;
};

} // namespace runnel::broker
