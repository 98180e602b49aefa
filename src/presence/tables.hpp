#pragma once
/// The registry's tables (private to src/presence). Layout, chosen for 100,000-member channels:
///   channels: channel -> members: member -> {state, connections, grace deadline}
///   where:    member -> channels                        (where-now without scanning channels)
///   deadlines: ordered (time, seq) -> what expires      (grace, polled connection, interval tick)
/// Every entity that has a deadline keeps its key, so cancelling is one O(log n) erase and no
/// deadline ever points at something gone. Keys are strings, not pointers into the maps, so a
/// stale entry cannot dangle; the cost is one copy of the names per queued deadline.
#include "runnel/presence/registry.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace runnel::presence {

struct string_hash {
    using is_transparent = void; // find(string_view) without building a std::string
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using string_map = std::unordered_map<std::string, V, string_hash, std::equal_to<>>;
using string_set = std::unordered_set<std::string, string_hash, std::equal_to<>>;

struct deadline_key {
    time_point at;
    std::uint64_t seq; // ties in insertion order, and makes every key unique
    bool operator<(const deadline_key& o) const noexcept {
        return at != o.at ? at < o.at : seq < o.seq;
    }
};

enum class deadline_kind { grace, poll, tick };

struct deadline_target {
    deadline_kind kind;
    std::string channel;
    std::string member; // grace, poll
    conn_id conn = 0;   // poll
};

struct connection {
    conn_id id;
    liveness kind;
    std::optional<deadline_key> expires; // polled only
};

struct member_entry {
    std::string state;              // compact JSON object; empty means "{}" (no heap)
    std::vector<connection> conns;  // usually one; empty while in its grace
    std::optional<deadline_key> grace;
};

struct channel_entry {
    string_map<member_entry> members;
    bool interval_mode = false;
    std::optional<deadline_key> tick;
    /// Interval mode: the net change of each member since the last interval event (join, leave
    /// or timeout). A member whose changes cancel out has no entry.
    string_map<action> delta;
};

/// How a connection went: announces leave now, timeout after the grace, or timeout now.
enum class gone { clean, lost, expired };

struct registry::impl {
    using channel_it = string_map<channel_entry>::iterator;
    using member_it = string_map<member_entry>::iterator;

    options opts;
    string_map<channel_entry> channels;
    string_map<string_set> where;
    std::map<deadline_key, deadline_target> deadlines;
    std::uint64_t next_seq = 0;
    std::size_t members = 0; // (channel, member) pairs: kept, so stats() never walks the channels
    std::size_t connections = 0;
    std::size_t polled = 0;
    std::size_t pending_grace = 0;
    std::size_t interval_channels = 0;

    // deadlines.cpp
    deadline_key schedule(time_point at, deadline_target target);
    void cancel(std::optional<deadline_key>& key);
    void advance(time_point now, std::vector<event>& out);

    // membership.cpp
    /// The member's entry in `channel`; nullopt when it is not present there.
    std::optional<std::pair<channel_it, member_it>> find_member(std::string_view channel, std::string_view member);
    void join(std::string_view channel, std::string_view member, conn_id conn, time_point now,
              liveness kind, std::vector<event>& out);
    void leave(std::string_view channel, std::string_view member, conn_id conn, time_point now,
               gone how, std::vector<event>& out);
    void remove_connection(channel_it cit, member_it mit, std::size_t index, time_point at,
                           gone how, std::vector<event>& out);
    void depart(channel_it cit, member_it mit, action what, time_point at, std::vector<event>& out);
    void announce(channel_it cit, const std::string& member, action what, std::string state,
                  time_point at, std::vector<event>& out);

    // interval.cpp
    void maybe_enter_interval(channel_it cit, time_point at);
    void maybe_exit_interval(channel_it cit, time_point at, std::vector<event>& out);
    static void note_change(channel_entry& ch, const std::string& member, action what);
    void emit_interval(channel_it cit, time_point at, std::vector<event>& out);
};

/// What an unset state reads as.
inline constexpr std::string_view empty_state = "{}";

} // namespace runnel::presence
