// Joining and leaving: connections per member, the grace of lost connections, and the events.
#include "tables.hpp"

#include <utility>

namespace runnel::presence {

namespace {

connection* find_connection(member_entry& m, conn_id id) {
    for (auto& c : m.conns)
        if (c.id == id)
            return &c;
    return nullptr;
}

} // namespace

std::optional<std::pair<registry::impl::channel_it, registry::impl::member_it>>
registry::impl::find_member(std::string_view channel, std::string_view member) {
    auto cit = channels.find(channel);
    if (cit == channels.end())
        return std::nullopt;
    auto mit = cit->second.members.find(member);
    if (mit == cit->second.members.end())
        return std::nullopt;
    return std::pair{cit, mit};
}

void registry::impl::join(std::string_view channel, std::string_view member, conn_id conn,
                          time_point now, liveness kind, std::vector<event>& out) {
    auto cit = channels.find(channel);
    if (cit == channels.end())
        cit = channels.emplace(std::string(channel), channel_entry{}).first;
    channel_entry& ch = cit->second;

    auto mit = ch.members.find(member);
    const bool fresh = mit == ch.members.end();
    if (fresh) {
        mit = ch.members.emplace(std::string(member), member_entry{}).first;
        ++members;
        auto wit = where.find(member);
        if (wit == where.end())
            wit = where.emplace(std::string(member), string_set{}).first;
        wit->second.insert(cit->first);
    }
    member_entry& m = mit->second;
    if (m.grace) { // back within its grace: it never left, so nothing is announced
        cancel(m.grace);
        --pending_grace;
    }

    connection* c = find_connection(m, conn);
    if (c == nullptr) {
        m.conns.push_back({conn, kind, {}});
        c = &m.conns.back();
        ++connections;
        if (kind == liveness::polled)
            ++polled;
    } else if (c->kind != kind) {
        if (c->kind == liveness::polled) {
            cancel(c->expires);
            --polled;
        } else {
            ++polled;
        }
        c->kind = kind;
    }
    if (kind == liveness::polled) {
        cancel(c->expires);
        c->expires = schedule(now + opts.timeout, {deadline_kind::poll, cit->first, mit->first, conn});
    }

    if (fresh) {
        maybe_enter_interval(cit, now); // the join that crosses the threshold is batched
        announce(cit, mit->first, action::join, m.state, now, out);
    }
}

void registry::impl::leave(std::string_view channel, std::string_view member, conn_id conn,
                           time_point now, gone how, std::vector<event>& out) {
    auto found = find_member(channel, member);
    if (!found)
        return;
    auto [cit, mit] = *found;
    auto& conns = mit->second.conns;
    for (std::size_t i = 0; i < conns.size(); ++i) {
        if (conns[i].id == conn) {
            remove_connection(cit, mit, i, now, how, out);
            return;
        }
    }
}

void registry::impl::remove_connection(channel_it cit, member_it mit, std::size_t index,
                                       time_point at, gone how, std::vector<event>& out) {
    member_entry& m = mit->second;
    connection& c = m.conns[index];
    cancel(c.expires);
    if (c.kind == liveness::polled)
        --polled;
    --connections;
    m.conns[index] = m.conns.back();
    m.conns.pop_back();
    if (!m.conns.empty())
        return; // another connection keeps the member present

    if (how == gone::clean) {
        depart(cit, mit, action::leave, at, out);
    } else if (how == gone::expired || opts.grace <= time_point::duration::zero()) {
        depart(cit, mit, action::timeout, at, out);
    } else {
        m.conns.shrink_to_fit(); // a member in its grace holds no connection storage
        m.grace = schedule(at + opts.grace, {deadline_kind::grace, cit->first, mit->first, 0});
        ++pending_grace;
    }
}

void registry::impl::depart(channel_it cit, member_it mit, action what, time_point at,
                            std::vector<event>& out) {
    channel_entry& ch = cit->second;
    member_entry& m = mit->second;
    if (m.grace) {
        cancel(m.grace);
        --pending_grace;
    }
    for (auto& c : m.conns) { // only when a member is removed with connections (not today)
        cancel(c.expires);
        if (c.kind == liveness::polled)
            --polled;
        --connections;
    }
    std::string member = mit->first;
    std::string state = std::move(m.state);
    ch.members.erase(mit);
    --members;

    auto wit = where.find(member);
    if (wit != where.end()) {
        wit->second.erase(cit->first);
        if (wit->second.empty())
            where.erase(wit);
    }

    announce(cit, member, what, std::move(state), at, out);
    maybe_exit_interval(cit, at, out);
    if (ch.members.empty()) {
        cancel(ch.tick); // already gone: an empty channel has left interval mode
        channels.erase(cit);
    }
}

void registry::impl::announce(channel_it cit, const std::string& member, action what,
                              std::string state, time_point at, std::vector<event>& out) {
    channel_entry& ch = cit->second;
    if (ch.interval_mode && what != action::state_change) {
        note_change(ch, member, what);
        return;
    }
    event e;
    e.what = what;
    e.channel = cit->first;
    e.member = member;
    e.state = state.empty() ? std::string(empty_state) : std::move(state);
    e.occupancy = ch.members.size();
    e.at = at;
    out.push_back(std::move(e));
}

} // namespace runnel::presence
