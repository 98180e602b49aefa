#pragma once
/// A history request as REST (`GET /v1/channels/{channel}/messages`) and the JSON command
/// (`"op":"history"`) share it: the range a client asked for, turned into a broker query; the
/// `next` page token; and the reply's members. docs/protocol.md, "History", is the reference.
///
/// The page token is opaque to clients: base64url of the next page's range and order (and the
/// epoch the client's offsets were of). A page continues by timetoken from the last message,
/// so paging never repeats or skips a message that is still kept.
/// Affinity: pure functions over values; safe on any thread.
#include "runnel/broker/broker.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace runnel::gateway::http {

constexpr std::size_t default_history_limit = 100;
constexpr std::size_t max_history_limit = 1000;

/// What the client wrote. `since_*` bounds are exclusive, `until_*` inclusive; every bound
/// given applies. `page` carries the range, the order and the epoch itself, so it goes only
/// with `limit`.
struct history_params {
    std::string channel;
    std::optional<std::uint64_t> since_offset, since_tt, until_offset, until_tt;
    std::optional<std::string> epoch; // the epoch the offsets are of (16 hex digits)
    std::optional<bool> newest_first; // default: newest first
    std::optional<std::size_t> limit; // default_history_limit; 1..max_history_limit
    std::optional<std::string> page;
};

/// The broker query of a request, and the epoch its offsets were of.
struct history_plan {
    broker::history_query q;
    std::optional<std::string> epoch;
};

/// The plan, or the message of a 400 answer.
std::variant<history_plan, std::string> plan_history(history_params p);

/// The token of the page after `page` (which answered `plan`), or nullopt when it was the last.
std::optional<std::string> next_page_token(const history_plan& plan, const broker::history_page& page);

/// The reply's members, without braces: `"channel":..,"epoch":..,"last_offset":..,
/// "messages":[..],"next":..|null,"complete":bool[,"reason":..]`. An `epoch` in the plan that
/// is not the channel's makes the page incomplete (its offsets started over).
std::string history_members(const history_plan& plan, const broker::history_page& page);

} // namespace runnel::gateway::http
