#include "runnel/broker/channel_buffer.hpp"

#include <algorithm>

namespace runnel::broker {

void channel_buffer::keep(const core::message_ptr& m, core::steady_time now, const buffer_limits& lim) {
    auto tt = m->cur.tt;
    auto size = m->payload.size() + m->topic.size();
    expire(now, lim);
    if (lim.max_messages == 0 || size > lim.max_bytes) {
        // Too big to keep: it is delivered live, and readers after it see the gap.
        evicted_tt_ = tt;
        return;
    }
    while (!entries_.empty() && (entries_.size() >= lim.max_messages || bytes_ + size > lim.max_bytes)) evict_front();
    entries_.push_back(entry{m, now, size});
    bytes_ += size;
}

bool channel_buffer::read_after(std::uint64_t since, core::steady_time now, const buffer_limits& lim,
                                std::vector<core::message_ptr>& out) {
    expire(now, lim);
    auto first = std::partition_point(entries_.begin(), entries_.end(),
                                      [since](const entry& e) { return e.msg->cur.tt <= since; });
    for (auto it = first; it != entries_.end(); ++it) {
        const auto& m = *it->msg;
        if (m.expires_at && *m.expires_at <= now) continue;
        out.push_back(it->msg);
    }
    return evicted_tt_ <= since;
}

void channel_buffer::evict_front() {
    // Never backwards: a newer message may already have been refused as too big (append).
    evicted_tt_ = std::max(evicted_tt_, entries_.front().msg->cur.tt);
    bytes_ -= entries_.front().bytes;
    entries_.pop_front();
}

void channel_buffer::expire(core::steady_time now, const buffer_limits& lim) {
    while (!entries_.empty() && now - entries_.front().at > lim.max_age) evict_front();
}

} // namespace runnel::broker
