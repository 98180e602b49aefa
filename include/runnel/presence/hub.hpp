#pragma once
/// What a gateway sees of the node's presence service: fire-and-forget membership changes and
/// queries answered asynchronously. Every call may come from any worker; the work happens on
/// the single presence writer (server::presence_service), in the order each worker posted it.
/// Answers run on the worker named in the call.
/// Affinity: any thread. Ownership: the node owns the hub; gateways hold a pointer (null = no
/// presence on this node, e.g. in unit tests).
#include "runnel/auth/authenticator.hpp"
#include "runnel/core/error.hpp"
#include "runnel/presence/event.hpp"
#include "runnel/presence/options.hpp"
#include "runnel/presence/registry.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::presence {

/// The member a connection is present as; empty = not a member. A token's subject always wins
/// (so all of a user's connections count once, whatever protocol). Under `member_ids::any` the
/// others are their client id; under `verified`, a checked user name or certificate subject,
/// and anonymous connections are not members.
inline std::string member_id(const auth::identity& who, std::string_view client_id,
                             member_ids rule = member_ids::any) {
    if (who.source == auth::identity_source::token && !who.subject.empty()) return who.subject;
    if (rule == member_ids::verified)
        return who.source == auth::identity_source::anonymous ? std::string() : who.subject;
    return std::string(client_id);
}

/// The longest channel (or filter) with presence: its events topic `$presence/{channel}` must
/// still fit an MQTT string (65,535 bytes, a 16-bit length), or no MQTT watcher could be sent
/// its events.
inline constexpr std::size_t max_presence_channel = 65535 - std::string_view("$presence/").size();

/// Whether some subscription to `filter` can make its holder a member of the presence channel
/// named `filter`: anything but a `$` channel (`$SYS`, `$presence`), a `$share` subscription or
/// a name over max_presence_channel.
inline bool presence_candidate(std::string_view filter) {
    return !filter.empty() && filter.front() != '$' && filter.size() <= max_presence_channel;
}

/// The one rule, on every protocol: whether a subscription to `filter` makes its holder a member
/// of the presence channel named exactly `filter` (for a wildcard filter, the filter string
/// itself, as PubNub's wildcard presence). `opt_in` is the subscriber's explicit choice (MQTT v5
/// `runnel-presence`, JSON `presence`, the long-poll/SSE `presence` parameter), which wins
/// either way; without one, an exact channel is on and a wildcard filter is on only when it is
/// listed in `wildcards` (presence.wildcards, for clients that cannot say, like MQTT 3.1.1).
inline bool presence_enabled(std::string_view filter, std::optional<bool> opt_in,
                             const std::vector<std::string>& wildcards) {
    if (!presence_candidate(filter)) return false;
    if (opt_in) return *opt_in;
    if (filter.find_first_of("+#") == std::string_view::npos) return true;
    return std::find(wildcards.begin(), wildcards.end(), filter) != wildcards.end();
}

/// An opt-in value as the protocols spell it: `true`/`1` or `false`/`0`; nullopt for anything
/// else (the caller decides whether that is an error).
inline std::optional<bool> parse_opt_in(std::string_view v) {
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    return std::nullopt;
}

/// Connections of HTTP clients (long-polls and SSE streams) carry this bit in their id, so
/// `POST /v1/channels/{c}/presence/leave` can end a member's HTTP presence in a channel and
/// nothing else of it.
inline constexpr conn_id http_connections = conn_id{1} << 62;

class hub {
public:
    /// Set once the service has stopped (node shutdown). Shared, so a caller that may outlive
    /// the service (a coroutine frame destroyed with its io_context after the node is gone) can
    /// still read it, and must before calling the hub.
    using stop_flag = std::shared_ptr<const std::atomic<bool>>;

    /// Keeps the settings every thread may read: presence.members, presence.wildcards and
    /// presence.max_state_bytes (fixed for the hub's life).
    explicit hub(const options& o = {})
        : rule_(o.members), wildcards_(o.wildcards), max_state_bytes_(o.max_state_bytes) {}
    virtual ~hub() = default;

    /// The member `who` (with the client id it gave, if any) is present as, per `presence.members`.
    std::string member(const auth::identity& who, std::string_view client_id) const {
        return member_id(who, client_id, rule_);
    }
    member_ids rule() const noexcept { return rule_; }
    /// A state as set_state would take it (compact_state with presence.max_state_bytes), for a
    /// gateway that must answer before the service has seen it.
    result<std::string> check_state(std::string_view json_object) const {
        return compact_state(json_object, max_state_bytes_);
    }

    /// Whether a subscription to `filter` with the subscriber's choice `opt_in` makes a member:
    /// presence_enabled() with this node's presence.wildcards.
    bool enabled(std::string_view filter, std::optional<bool> opt_in) const {
        return presence_enabled(filter, opt_in, wildcards_);
    }

    virtual stop_flag stopped_flag() const = 0;
    /// After stop, membership calls are dropped and queries answered at once with empty results
    /// (set_state: errc::shutting_down): a caller tells those from real answers by this.
    bool stopped() const { return stopped_flag()->load(std::memory_order_acquire); }

    /// A node-unique id for one connection (or long-poll client).
    virtual conn_id new_connection() = 0;
    virtual void join(std::string channel, std::string member, conn_id conn) = 0;
    virtual void leave(std::string channel, std::string member, conn_id conn, leave_reason why) = 0;
    /// A long-poll's end: if its connection `from` is still in `channel`, the member's polled
    /// connection `to` takes its place (present for `presence.timeout` more); if the member
    /// left meanwhile (`POST .../presence/leave`), nothing happens.
    virtual void handoff(std::string channel, std::string member, conn_id from, conn_id to) = 0;
    /// Every connection of `member` in `channel` with a bit of `mask` leaves cleanly; `done`
    /// runs on `worker` once it has (false: the service had stopped).
    virtual void leave_matching(std::string channel, std::string member, conn_id mask, std::size_t worker,
                                std::function<void(bool)> done) = 0;
    /// The connection left every channel it was in.
    virtual void disconnect(std::string member, conn_id conn, leave_reason why) = 0;

    /// errc::ok, or registry::set_state's errors (not_found, malformed_packet, packet_too_large).
    virtual void set_state(std::string channel, std::string member, std::string json, std::size_t worker,
                           std::function<void(errc)> done) = 0;
    virtual void get_state(std::string channel, std::string member, std::size_t worker,
                           std::function<void(std::optional<std::string>)> done) = 0;
    virtual void here_now(std::string channel, std::size_t worker, std::function<void(here_now_result)> done) = 0;
    virtual void where_now(std::string member, std::size_t worker,
                           std::function<void(std::vector<std::string>)> done) = 0;

private:
    member_ids rule_;
    std::vector<std::string> wildcards_;
    std::size_t max_state_bytes_;
};

/// The `$presence/{channel}` channel that carries `channel`'s events.
inline std::string events_channel(std::string_view channel) { return "$presence/" + std::string(channel); }

/// For a subscription filter on `$presence/{filter}`: the `{filter}` whose `presence` grant it
/// needs (instead of a subscribe grant on the `$presence/...` filter); none for other filters.
inline std::optional<std::string_view> events_filter(std::string_view filter) {
    constexpr std::string_view prefix = "$presence/";
    if (!filter.starts_with(prefix) || filter.size() == prefix.size()) return std::nullopt;
    return filter.substr(prefix.size());
}

/// Channels only the server publishes to: `$SYS/...` and `$presence/...`.
inline bool server_channel(std::string_view channel) {
    return channel.starts_with("$SYS") || channel.starts_with("$presence/");
}

} // namespace runnel::presence
