// Read-only views: here-now, where-now, counters and a memory estimate.
#include "tables.hpp"

#include <algorithm>

namespace runnel::presence {

here_now_result registry::here_now(std::string_view channel) const {
    here_now_result r;
    auto cit = impl_->channels.find(channel);
    if (cit == impl_->channels.end())
        return r;
    const auto& members = cit->second.members;
    r.occupancy = members.size();
    if (r.occupancy > impl_->opts.here_now_max) {
        r.listed = false;
        return r;
    }
    r.members.reserve(members.size());
    for (const auto& [name, m] : members)
        r.members.push_back({name, m.state.empty() ? std::string(empty_state) : m.state});
    std::sort(r.members.begin(), r.members.end(),
              [](const member_info& a, const member_info& b) { return a.member < b.member; });
    return r;
}

std::size_t registry::occupancy(std::string_view channel) const {
    auto cit = impl_->channels.find(channel);
    return cit == impl_->channels.end() ? 0 : cit->second.members.size();
}

std::vector<std::string> registry::where_now(std::string_view member) const {
    std::vector<std::string> r;
    auto wit = impl_->where.find(member);
    if (wit == impl_->where.end())
        return r;
    r.assign(wit->second.begin(), wit->second.end());
    std::sort(r.begin(), r.end());
    return r;
}

bool registry::in_interval_mode(std::string_view channel) const {
    auto cit = impl_->channels.find(channel);
    return cit != impl_->channels.end() && cit->second.interval_mode;
}

counters registry::stats() const {
    const auto& s = *impl_;
    counters c;
    c.channels = s.channels.size();
    c.members = s.members; // the service reads stats() after every change: O(1), not O(channels)
    c.clients = s.where.size();
    c.connections = s.connections;
    c.polled = s.polled;
    c.pending_grace = s.pending_grace;
    c.interval_channels = s.interval_channels;
    c.deadlines = s.deadlines.size();
    return c;
}

namespace {

// Heap bytes of a string beyond the object itself (libstdc++ keeps up to 15 chars inline).
std::size_t heap(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

// One hash node: the value, the next pointer and the cached hash.
template <class Value>
constexpr std::size_t hash_node = sizeof(Value) + 2 * sizeof(void*);

template <class Map>
std::size_t buckets(const Map& m) { return m.bucket_count() * sizeof(void*); }

} // namespace

std::size_t registry::bytes_estimate() const {
    const auto& s = *impl_;
    std::size_t n = sizeof(impl) + buckets(s.channels) + buckets(s.where);
    for (const auto& [name, ch] : s.channels) {
        n += hash_node<std::pair<const std::string, channel_entry>> + heap(name);
        n += buckets(ch.members) + buckets(ch.delta);
        for (const auto& [member, m] : ch.members) {
            n += hash_node<std::pair<const std::string, member_entry>> + heap(member) + heap(m.state);
            n += m.conns.capacity() * sizeof(connection);
        }
        for (const auto& [member, what] : ch.delta)
            n += hash_node<std::pair<const std::string, action>> + heap(member);
    }
    for (const auto& [member, in] : s.where) {
        n += hash_node<std::pair<const std::string, string_set>> + heap(member) + buckets(in);
        for (const auto& channel : in)
            n += hash_node<std::string> + heap(channel);
    }
    // A red-black tree node: three pointers and a colour, then the value.
    constexpr std::size_t tree_node = 4 * sizeof(void*) + sizeof(std::pair<const deadline_key, deadline_target>);
    for (const auto& [key, t] : s.deadlines)
        n += tree_node + heap(t.channel) + heap(t.member);
    return n;
}

} // namespace runnel::presence
