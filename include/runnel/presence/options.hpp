#pragma once
/// Presence settings (DESIGN.md: `presence: {grace: 15s, timeout: 60s, announce_max: 100}`).
/// Plain values so the config module can fill them from YAML without depending on presence.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace runnel::presence {

/// Who can be a member (`presence.members`).
enum class member_ids : unsigned char {
    /// A token's subject, else the client id the client gave (self-asserted, so anyone
    /// connecting without a token can appear as any id, a token holder's subject included).
    any,
    /// Only verified identities: a token's subject, a user name checked against its password,
    /// a client certificate's subject (tls.identity). Anonymous connections are not members.
    verified,
};

struct options {
    /// A connection lost without a clean leave keeps its member present this long; a re-join
    /// within it cancels the departure (no leave/join flap), otherwise the member times out.
    std::chrono::steady_clock::duration grace = std::chrono::seconds(15);
    /// A polled connection (long-poll) stays present this long after its last touch.
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(60);
    /// Above this many members a channel announces `interval` events instead of each
    /// join/leave/timeout. 0 = never (always per-member events).
    std::size_t announce_max = 100;
    /// Period of `interval` events while a channel is in interval mode (0 or less is taken as 1 s).
    std::chrono::steady_clock::duration interval = std::chrono::seconds(10);
    /// here-now lists members (with state) only up to this occupancy; above it, occupancy only.
    std::size_t here_now_max = 1000;
    /// Largest per-member state, in bytes of compact JSON.
    std::size_t max_state_bytes = 1024;
    /// An interval event whose joined+left+timed-out lists would hold more names than this
    /// carries no lists and `refresh = true` instead (watchers re-read here-now). 0 = no cap.
    std::size_t interval_list_max = 1000;
    member_ids members = member_ids::any;
    /// Wildcard filters whose subscriptions make members without an opt-in (presence.wildcards;
    /// presence_enabled() in hub.hpp has the rule).
    std::vector<std::string> wildcards;
};

} // namespace runnel::presence
