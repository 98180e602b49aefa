#pragma once
// The presence of a long-poll or an SSE stream: one HTTP connection of its member (the
// identity's, per presence.members, or its `client_id`; presence::http_connections, so
// `POST .../presence/leave` finds it) in each channel of the request that makes a member
// (presence::presence_enabled with its `presence` choice), from construction to end().
//
// end() runs on every way out of the request (answer, error, throw, the coroutine frame
// destroyed), but never calls the hub once the presence service has stopped: a frame destroyed
// at shutdown outlives the service (and the http_context), so only the hub pointer and its
// shared stop flag are kept.
#include "cursor_query.hpp"

#include "runnel/auth/authenticator.hpp"
#include "runnel/presence/hub.hpp"

#include <optional>
#include <string>
#include <vector>

namespace runnel::gateway::http {

class http_presence {
public:
    enum class ending {
        /// A long-poll: the member's one polled connection takes over (presence::hub::handoff),
        /// so it stays present for presence.timeout after the end of its last poll, and a member
        /// that left during the poll is not brought back.
        handoff,
        /// An SSE stream: `lost` (HTTP cannot tell a closed tab from a lost network), so an
        /// EventSource reconnect within presence.grace does not flap.
        lost,
    };

    /// `hub` null: no presence on this node.
    http_presence(presence::hub* hub, const auth::identity& who, const cursor_query& q, ending how);
    http_presence(const http_presence&) = delete;
    http_presence& operator=(const http_presence&) = delete;
    ~http_presence() { end(); }

    /// Idempotent.
    void end();

private:
    presence::hub* hub_ = nullptr; // null: not a member, or ended
    presence::hub::stop_flag stopped_;
    std::vector<std::string> channels_;
    std::string member_;
    presence::conn_id conn_ = 0;
    ending how_;
};

} // namespace runnel::gateway::http
