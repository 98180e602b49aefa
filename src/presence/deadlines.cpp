// The ordered deadline queue: grace expiries, silent polled connections and interval ticks.
#include "tables.hpp"

namespace runnel::presence {

deadline_key registry::impl::schedule(time_point at, deadline_target target) {
    deadline_key key{at, next_seq++};
    deadlines.emplace(key, std::move(target));
    return key;
}

void registry::impl::cancel(std::optional<deadline_key>& key) {
    if (!key)
        return;
    deadlines.erase(*key);
    key.reset();
}

void registry::impl::advance(time_point now, std::vector<event>& out) {
    while (!deadlines.empty() && !(now < deadlines.begin()->first.at)) {
        // Take the entry out first: whatever it refers to forgets its key below, so nothing
        // cancels it twice, and handlers may queue new deadlines (the next tick) safely.
        auto node = deadlines.extract(deadlines.begin());
        const deadline_key key = node.key();
        deadline_target& t = node.mapped();
        auto cit = channels.find(t.channel);
        if (cit == channels.end())
            continue; // cannot happen (entities cancel their deadlines); be robust anyway
        channel_entry& ch = cit->second;
        switch (t.kind) {
        case deadline_kind::tick: {
            ch.tick.reset();
            emit_interval(cit, key.at, out);
            // Keep the cadence, but after a stall resume from now instead of bursting.
            time_point next = key.at + opts.interval;
            if (!(now < next))
                next = now + opts.interval;
            ch.tick = schedule(next, {deadline_kind::tick, cit->first, {}, 0});
            break;
        }
        case deadline_kind::grace: {
            auto mit = ch.members.find(t.member);
            if (mit == ch.members.end())
                continue;
            mit->second.grace.reset();
            --pending_grace;
            depart(cit, mit, action::timeout, key.at, out);
            break;
        }
        case deadline_kind::poll: {
            auto mit = ch.members.find(t.member);
            if (mit == ch.members.end())
                continue;
            auto& conns = mit->second.conns;
            for (std::size_t i = 0; i < conns.size(); ++i) {
                if (conns[i].id == t.conn) {
                    conns[i].expires.reset();
                    remove_connection(cit, mit, i, key.at, gone::expired, out);
                    break;
                }
            }
            break;
        }
        }
    }
}

} // namespace runnel::presence
