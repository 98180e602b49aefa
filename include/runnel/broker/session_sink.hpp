#pragma once
/// The seam between a broker session and the connection currently attached to it. Gateways
/// implement it (MQTT over TCP/TLS now; WebSocket and HTTP parking slots later); the broker
/// never sees packets.
/// Affinity: called only on the worker that owns both the session and the connection.
#include "runnel/core/error.hpp"
#include "runnel/core/message.hpp"

#include <cstdint>
#include <vector>

namespace runnel::broker {

/// One message on its way to one client: the shared message plus the per-subscriber envelope.
struct delivery {
    core::message_ptr msg;
    std::uint8_t qos = 0;           // granted QoS: min(published, subscribed)
    bool retain = false;            // retain flag to send (retain-as-published, or retained on subscribe)
    std::uint16_t packet_id = 0;    // 0 for QoS 0
    bool dup = false;               // a resend after reconnect
    std::vector<std::uint32_t> sub_ids;
    bool with_cursor = false;       // MQTT v5: add the cursor as user properties
};

class session_sink {
public:
    virtual ~session_sink() = default;
    /// Queues a message to the client. Returns false when a QoS 0 message had to be dropped
    /// because the connection's queue is full.
    virtual bool deliver(const delivery& d) = 0;
    /// Re-sends the release of a QoS 2 delivery the client already received (MQTT PUBREL).
    virtual void release(std::uint16_t packet_id) = 0;
    /// The broker takes the session away (taken over, slow consumer, shutdown): the connection
    /// must forget its session pointer now and close.
    virtual void kick(errc why) = 0;
};

} // namespace runnel::broker
