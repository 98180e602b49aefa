// The public face of the registry: forwards to the tables (tables.hpp) and collects events.
#include "tables.hpp"

#include <algorithm>

namespace runnel::presence {

const char* to_string(action a) noexcept {
    switch (a) {
    case action::join: return "join";
    case action::leave: return "leave";
    case action::timeout: return "timeout";
    case action::state_change: return "state-change";
    case action::interval: return "interval";
    }
    return "?";
}

registry::registry(options opts) : impl_(std::make_unique<impl>()) {
    // A non-positive interval would make advance() reschedule the tick at `now` forever.
    if (opts.interval <= std::chrono::steady_clock::duration::zero())
        opts.interval = std::chrono::seconds(1);
    impl_->opts = opts;
}
registry::~registry() = default;
registry::registry(registry&&) noexcept = default;
registry& registry::operator=(registry&&) noexcept = default;

const options& registry::settings() const noexcept { return impl_->opts; }

std::vector<event> registry::join(std::string_view channel, std::string_view member, conn_id conn,
                                  time_point now, liveness kind) {
    std::vector<event> out;
    impl_->join(channel, member, conn, now, kind, out);
    return out;
}

std::vector<event> registry::touch(std::string_view channel, std::string_view member, conn_id conn,
                                   time_point now) {
    return join(channel, member, conn, now, liveness::polled);
}

std::vector<event> registry::leave(std::string_view channel, std::string_view member, conn_id conn,
                                   time_point now, leave_reason reason) {
    std::vector<event> out;
    impl_->leave(channel, member, conn, now, reason == leave_reason::clean ? gone::clean : gone::lost,
                 out);
    return out;
}

std::vector<event> registry::leave_matching(std::string_view channel, std::string_view member, conn_id mask,
                                            time_point now) {
    std::vector<event> out;
    auto found = impl_->find_member(channel, member);
    if (!found)
        return out;
    auto [cit, mit] = *found;
    if (mit->second.conns.empty()) { // in its grace: the member says it is gone, so it is
        impl_->depart(cit, mit, action::leave, now, out);
        return out;
    }
    std::vector<conn_id> matching;
    for (const auto& c : mit->second.conns)
        if (c.id & mask)
            matching.push_back(c.id);
    // One at a time by id: the last one to go may remove the member (and the channel).
    for (auto id : matching)
        impl_->leave(channel, member, id, now, gone::clean, out);
    return out;
}

std::vector<event> registry::handoff(std::string_view channel, std::string_view member, conn_id from, conn_id to,
                                     time_point now) {
    std::vector<event> out;
    auto found = impl_->find_member(channel, member);
    if (!found)
        return out;
    const auto& conns = found->second->second.conns;
    if (std::none_of(conns.begin(), conns.end(), [from](const connection& c) { return c.id == from; }))
        return out;
    // Touch first: the member never has zero connections in between, so nothing is announced.
    impl_->join(channel, member, to, now, liveness::polled, out);
    impl_->leave(channel, member, from, now, gone::clean, out);
    return out;
}

std::vector<event> registry::disconnect(std::string_view member, conn_id conn, time_point now,
                                        leave_reason reason) {
    std::vector<event> out;
    auto wit = impl_->where.find(member);
    if (wit == impl_->where.end())
        return out;
    // Copied and sorted: leaving mutates the index, and a fixed order keeps events predictable.
    std::vector<std::string> in(wit->second.begin(), wit->second.end());
    std::sort(in.begin(), in.end());
    const gone how = reason == leave_reason::clean ? gone::clean : gone::lost;
    for (const auto& channel : in)
        impl_->leave(channel, member, conn, now, how, out);
    return out;
}

std::vector<event> registry::advance(time_point now) {
    std::vector<event> out;
    impl_->advance(now, out);
    return out;
}

std::optional<time_point> registry::next_deadline() const {
    if (impl_->deadlines.empty())
        return std::nullopt;
    return impl_->deadlines.begin()->first.at;
}

} // namespace runnel::presence
