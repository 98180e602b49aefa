// Interval mode: above `announce_max` members a channel batches joins, leaves and timeouts into
// one `interval` event per `interval`, so a 100,000-member channel does not flood its watchers.
#include "tables.hpp"

#include <algorithm>

namespace runnel::presence {

namespace {

/// Hysteresis: a channel leaves interval mode only when it is back to announce_max minus a
/// tenth (at least one) or fewer, so occupancy hovering at the threshold does not switch modes
/// (and the event style its watchers see) on every join and leave.
std::size_t exit_at(const options& o) {
    if (o.announce_max == 0)
        return 0; // never entered; avoid the unsigned wrap
    return o.announce_max - std::max<std::size_t>(1, o.announce_max / 10);
}

} // namespace

void registry::impl::maybe_enter_interval(channel_it cit, time_point at) {
    channel_entry& ch = cit->second;
    if (ch.interval_mode || opts.announce_max == 0 || ch.members.size() <= opts.announce_max)
        return;
    ch.interval_mode = true;
    ++interval_channels;
    ch.tick = schedule(at + opts.interval, {deadline_kind::tick, cit->first, {}, 0});
}

void registry::impl::maybe_exit_interval(channel_it cit, time_point at, std::vector<event>& out) {
    channel_entry& ch = cit->second;
    if (!ch.interval_mode || ch.members.size() > exit_at(opts))
        return;
    // Flush what is batched now, so watchers see every change exactly once before per-member
    // events resume.
    cancel(ch.tick);
    emit_interval(cit, at, out);
    ch.interval_mode = false;
    --interval_channels;
}

void registry::impl::note_change(channel_entry& ch, const std::string& member, action what) {
    // A join only happens to an absent member and a departure only to a present one, so an
    // existing entry is always the opposite change: the two cancel out (joined then left, or
    // left then came back, within one interval) and the member is not listed.
    auto it = ch.delta.find(member);
    if (it != ch.delta.end())
        ch.delta.erase(it);
    else
        ch.delta.emplace(member, what);
}

void registry::impl::emit_interval(channel_it cit, time_point at, std::vector<event>& out) {
    channel_entry& ch = cit->second;
    event e;
    e.what = action::interval;
    e.channel = cit->first;
    e.occupancy = ch.members.size();
    e.at = at;
    if (opts.interval_list_max != 0 && ch.delta.size() > opts.interval_list_max) {
        e.refresh = true;
    } else {
        for (auto& [member, what] : ch.delta) {
            auto& list = what == action::join ? e.joined : what == action::leave ? e.left : e.timed_out;
            list.push_back(member);
        }
        std::sort(e.joined.begin(), e.joined.end());
        std::sort(e.left.begin(), e.left.end());
        std::sort(e.timed_out.begin(), e.timed_out.end());
    }
    string_map<action>{}.swap(ch.delta); // give the buckets back after a burst
    out.push_back(std::move(e));
}

} // namespace runnel::presence
