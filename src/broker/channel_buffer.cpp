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
        evicted_offset_ = m->cur.offset;
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

void channel_buffer::read_range(const store::read_query& q, core::steady_time now, const buffer_limits& lim,
                                store::read_page& out) {
    expire(now, lim);
    out.trimmed_offset = evicted_offset_;
    out.trimmed_tt = evicted_tt_;
    // Offsets and tts grow together along the deque, so the bounds cut one contiguous run.
    auto first = std::partition_point(entries_.begin(), entries_.end(), [&q](const entry& e) {
        return e.msg->cur.offset <= q.after_offset || e.msg->cur.tt <= q.after_tt;
    });
    auto last = std::partition_point(first, entries_.end(), [&q](const entry& e) {
        return e.msg->cur.offset <= q.until_offset && e.msg->cur.tt <= q.until_tt;
    });
    std::size_t bytes = 0;
    // False once the page is full: `more` then says a further message is kept.
    auto take = [&](const entry& e) {
        const auto& m = *e.msg;
        if (m.expires_at && *m.expires_at <= now) return true;
        if (out.messages.size() >= q.limit || (!out.messages.empty() && bytes + e.bytes > q.max_bytes)) {
            out.more = true;
            return false;
        }
        out.messages.push_back(e.msg);
        bytes += e.bytes;
        return true;
    };
    if (q.newest_first) {
        for (auto it = last; it != first;)
            if (!take(*--it)) break;
    } else {
        for (auto it = first; it != last; ++it)
            if (!take(*it)) break;
    }
}

void channel_buffer::evict_front() {
    // Never backwards: a newer message may already have been refused as too big (append).
    evicted_tt_ = std::max(evicted_tt_, entries_.front().msg->cur.tt);
    evicted_offset_ = std::max(evicted_offset_, entries_.front().msg->cur.offset);
    bytes_ -= entries_.front().bytes;
    entries_.pop_front();
}

void channel_buffer::expire(core::steady_time now, const buffer_limits& lim) {
    while (!entries_.empty() && now - entries_.front().at > lim.max_age) evict_front();
}

} // namespace runnel::broker
