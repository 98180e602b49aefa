#pragma once
/// Who is present in which channel on this node. One writer (the node's presence strand) calls
/// everything; every call takes the time explicitly and there are no threads or timers inside:
/// the owner arms one timer for `next_deadline()` and calls `advance(now)` when it fires.
/// Mutating calls return the events to announce, in order.
///
/// Membership is per (channel, member); a member counts once however many connections it has
/// and leaves when its last one does. docs/presence.md has the full semantics.
/// Cost: join/leave/touch/set_state are O(log timers + a member's connections), never a scan of
/// a channel's members; advance is O(log timers) per expired deadline. Queries that list
/// members are O(listed log listed).
/// Affinity: none (not thread-safe; a value owned by one strand).
#include "runnel/core/error.hpp"
#include "runnel/presence/event.hpp"
#include "runnel/presence/options.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::presence {

struct member_info {
    std::string member;
    std::string state; // compact JSON object text
};

struct here_now_result {
    std::size_t occupancy = 0;
    /// False when occupancy is over `options::here_now_max`; `members` is then empty.
    bool listed = true;
    std::vector<member_info> members; // sorted by member
};

/// Sizes, for metrics and the "presence never leaks" tests.
struct counters {
    std::size_t channels = 0;          // channels with at least one member
    std::size_t members = 0;           // (channel, member) pairs, members in grace included
    std::size_t clients = 0;           // distinct member ids present anywhere
    std::size_t connections = 0;       // (channel, member, connection) triples
    std::size_t polled = 0;            // of which polled (long-poll) ones
    std::size_t pending_grace = 0;     // members with no connection, waiting out the grace
    std::size_t interval_channels = 0; // channels in interval mode
    std::size_t deadlines = 0;         // grace, poll and interval deadlines queued
};

/// A member state as the registry keeps it: the compact text of one JSON object ("" for {}),
/// or malformed_packet (not a single JSON object) / packet_too_large (over `max_bytes` as sent
/// or compact). Input over the limit is refused before parsing. Any thread.
result<std::string> compact_state(std::string_view json_object, std::size_t max_bytes);

class registry {
public:
    explicit registry(options opts = {});
    ~registry();
    registry(registry&&) noexcept;
    registry& operator=(registry&&) noexcept;

    /// `conn` of `member` is now in `channel`. A new member announces `join`; a member in its
    /// grace is back without any event; a known connection only updates its liveness.
    std::vector<event> join(std::string_view channel, std::string_view member, conn_id conn,
                            time_point now, liveness kind = liveness::held);
    /// A polled connection is still there: join(..., liveness::polled) (creates it if needed).
    std::vector<event> touch(std::string_view channel, std::string_view member, conn_id conn,
                             time_point now);
    /// `conn` leaves `channel`. Unknown connections are ignored (leaving is idempotent).
    std::vector<event> leave(std::string_view channel, std::string_view member, conn_id conn,
                             time_point now, leave_reason reason = leave_reason::clean);
    /// Every connection of `member` in `channel` whose id has a bit of `mask` leaves cleanly
    /// (`POST .../presence/leave`: all of a member's HTTP connections); a member in its grace
    /// (no connection left) leaves at once. O(the member's connections).
    std::vector<event> leave_matching(std::string_view channel, std::string_view member, conn_id mask,
                                      time_point now);
    /// If `from` is still a connection of `member` in `channel`, the polled connection `to`
    /// takes its place (touched, then `from` leaves: nothing is announced); otherwise nothing
    /// happens, so a poll that ends after its member left does not bring it back.
    std::vector<event> handoff(std::string_view channel, std::string_view member, conn_id from, conn_id to,
                               time_point now);
    /// `conn` leaves every channel it is in (the connection closed). O(channels of member).
    std::vector<event> disconnect(std::string_view member, conn_id conn, time_point now,
                                  leave_reason reason);
    /// Sets the member's state in `channel` to a JSON object (stored compact) and announces
    /// `state-change` when it differs. Errors: not_found (member not present), malformed_packet
    /// (not a JSON object), packet_too_large (over options::max_state_bytes).
    result<std::vector<event>> set_state(std::string_view channel, std::string_view member,
                                         std::string_view json_object, time_point now);

    /// Handles every deadline at or before `now`: grace expiries and silent polled connections
    /// (`timeout`), and interval ticks. Events come in deadline order.
    std::vector<event> advance(time_point now);
    /// The earliest pending deadline, for the owner's single timer.
    std::optional<time_point> next_deadline() const;

    here_now_result here_now(std::string_view channel) const;
    std::size_t occupancy(std::string_view channel) const;
    /// Channels where `member` is present, sorted.
    std::vector<std::string> where_now(std::string_view member) const;
    /// The member's state in `channel` ("{}" if never set), or nothing if it is not present.
    std::optional<std::string> get_state(std::string_view channel, std::string_view member) const;
    bool in_interval_mode(std::string_view channel) const;

    counters stats() const;
    /// Approximate heap bytes held (keys, states, tables). O(members): for metrics, not hot paths.
    std::size_t bytes_estimate() const;
    const options& settings() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace runnel::presence
