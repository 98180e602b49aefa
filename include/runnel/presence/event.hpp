#pragma once
/// What the presence registry tells its owner: one `event` per announcement, in order. The
/// owner turns them into `$presence/{channel}` pushes (and stamps the timetoken); the registry
/// knows nothing about protocols.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace runnel::presence {

using time_point = std::chrono::steady_clock::time_point;
/// Identifies one connection (or one long-poll client) of a member; unique per node.
using conn_id = std::uint64_t;

enum class action { join, leave, timeout, state_change, interval };

/// The wire name: "join", "leave", "timeout", "state-change", "interval".
const char* to_string(action a) noexcept;

/// How a connection ends: `clean` (unsubscribe, DISCONNECT, close) announces `leave` at once;
/// `lost` (socket dropped, keep-alive expired) announces `timeout` only after the grace.
enum class leave_reason { clean, lost };

/// How a connection stays present: `held` until it leaves (MQTT, WebSocket, SSE), or `polled`
/// for `options::timeout` after each join/touch (long-poll).
enum class liveness { held, polled };

struct event {
    action what = action::join;
    std::string channel;
    /// The member (client id or token subject); empty for `interval`.
    std::string member;
    /// The member's state as compact JSON object text ("{}" when none was set); on leave and
    /// timeout the last state it had. Empty for `interval`.
    std::string state;
    /// Members of the channel after this event (a member in its grace still counts).
    std::size_t occupancy = 0;
    /// When it happened: the call's `now`, or the deadline that expired inside `advance`.
    time_point at{};

    // `interval` only: net changes since the previous interval event, sorted by member.
    std::vector<std::string> joined;
    std::vector<std::string> left;
    std::vector<std::string> timed_out;
    /// The lists were over `options::interval_list_max` and are left empty: re-read here-now.
    bool refresh = false;
};

} // namespace runnel::presence
