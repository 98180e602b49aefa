#include "http_presence.hpp"

#include <functional>
#include <utility>

namespace runnel::gateway::http {

namespace {

// Between polls, a member is one polled connection: a stable id outside the range
// new_connection() hands out, taken over at the end of each poll. Marked as an HTTP one.
presence::conn_id poll_connection(const std::string& member) {
    constexpr auto low = presence::http_connections - 1;
    return (presence::conn_id{1} << 63) | presence::http_connections | (std::hash<std::string>{}(member) & low);
}

} // namespace

http_presence::http_presence(presence::hub* hub, const auth::identity& who, const cursor_query& q, ending how)
    : how_(how) {
    if (!hub) return;
    member_ = hub->member(who, q.client_id);
    if (member_.empty()) return;
    for (const auto& f : q.filters) {
        if (hub->enabled(f, q.presence)) channels_.push_back(f);
    }
    if (channels_.empty()) return;
    hub_ = hub;
    stopped_ = hub->stopped_flag();
    // A long-poll holds its own connection while it waits, so the member stays held while ANY
    // of its polls does; presence.timeout counts from the end of the last one.
    conn_ = hub->new_connection() | presence::http_connections;
    for (const auto& c : channels_) hub_->join(c, member_, conn_);
}

void http_presence::end() {
    auto* hub = std::exchange(hub_, nullptr);
    if (!hub || stopped_->load(std::memory_order_acquire)) return;
    if (how_ == ending::lost) {
        hub->disconnect(member_, conn_, presence::leave_reason::lost);
        return;
    }
    for (const auto& c : channels_) hub->handoff(c, member_, conn_, poll_connection(member_));
}

} // namespace runnel::gateway::http
