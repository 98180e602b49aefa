#include "history_reader.hpp"

#include "keys.hpp"
#include "status.hpp"

#include <rocksdb/iterator.h>

namespace runnel::store {
namespace {

struct range {
    std::uint64_t lo = 0; // exclusive
    std::uint64_t hi = 0; // inclusive
};

std::uint64_t key_offset(const rocksdb::Iterator& it) {
    auto k = it.key();
    auto parts = parse_msg_key({k.data(), k.size()});
    return parts ? parts->offset : 0;
}

std::uint64_t value_tt(const rocksdb::Iterator& it) {
    auto h = peek_header({it.value().data(), it.value().size()});
    return h ? h->tt : 0;
}

/// The first offset in (lo, hi] whose tt is > `tt`, or hi + 1.
std::uint64_t first_after_tt(rocksdb::Iterator& it, const std::string& channel, range r, std::uint64_t tt) {
    std::uint64_t lo = r.lo + 1, hi = r.hi + 1; // search in [lo, hi)
    while (lo < hi) {
        auto mid = lo + (hi - lo) / 2;
        it.Seek(msg_key(channel, mid));
        if (!it.Valid()) {
            hi = mid;
            continue;
        }
        auto at = key_offset(it);
        if (value_tt(it) > tt) hi = std::min(mid, at);
        else lo = at + 1;
    }
    return lo;
}

struct page_builder {
    const read_query& q;
    read_page page;
    std::size_t bytes = 0;
    std::int64_t now_ms = 0;

    /// False when the page is full.
    bool take(const rocksdb::Iterator& it, const clock_now& now) {
        auto m = decode_message({it.value().data(), it.value().size()}, now);
        if (!m) return true; // undecodable: skipped (open-time scan reports these)
        if (m->msg.cur.tt <= q.after_tt || m->msg.cur.tt > q.until_tt) return true;
        auto size = m->msg.payload.size() + m->msg.topic.size();
        if (page.messages.size() >= q.limit || (!page.messages.empty() && bytes + size > q.max_bytes)) {
            page.more = true;
            return false;
        }
        bytes += size;
        page.messages.push_back(core::make_message(std::move(m->msg)));
        return true;
    }
    /// True (and noted as trimmed) when the record's retention deadline has passed.
    bool expired(const rocksdb::Iterator& it) {
        auto h = peek_header({it.value().data(), it.value().size()});
        if (!h || h->deadline_ms == 0 || h->deadline_ms >= now_ms) return false;
        if (h->offset > page.trimmed_offset) {
            page.trimmed_offset = h->offset;
            page.trimmed_tt = h->tt;
        }
        return true;
    }
};

} // namespace

result<read_page> read_history(const log_core& core, const read_query& q) {
    auto entry = core.channels.find(q.channel);
    if (!entry || q.limit == 0 || q.channel.size() > max_channel_size) return read_page{};
    auto now = clock_now::read();
    page_builder pb{q, {}, 0, now.unix_ms};
    pb.page.trimmed_offset = entry->meta.trimmed_offset;
    pb.page.trimmed_tt = entry->meta.trimmed_tt;
    range r{std::max(q.after_offset, entry->meta.trimmed_offset), std::min(q.until_offset, entry->last_stored)};
    if (r.lo >= r.hi) return pb.page;

    auto lower = msg_key(q.channel, r.lo + 1);
    auto upper = msg_key(q.channel, r.hi) + '\0';
    rocksdb::Slice lower_s(lower), upper_s(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_s;
    ro.iterate_upper_bound = &upper_s;
    std::unique_ptr<rocksdb::Iterator> it(core.db->db().NewIterator(ro, (*core.db)[cf::msgs]));
    if (q.after_tt > 0) r.lo = first_after_tt(*it, q.channel, r, q.after_tt) - 1;
    if (q.until_tt < std::numeric_limits<std::uint64_t>::max() && r.lo < r.hi)
        r.hi = first_after_tt(*it, q.channel, r, q.until_tt) - 1;
    if (r.lo >= r.hi) return pb.page;

    if (!q.newest_first) {
        for (it->Seek(msg_key(q.channel, r.lo + 1)); it->Valid() && key_offset(*it) <= r.hi; it->Next()) {
            if (pb.expired(*it)) continue;
            if (!pb.take(*it, now)) break;
        }
    } else {
        // Expired messages are the oldest ones: the first expired one ends the scan.
        for (it->SeekForPrev(msg_key(q.channel, r.hi)); it->Valid() && key_offset(*it) > r.lo; it->Prev()) {
            if (pb.expired(*it) || !pb.take(*it, now)) break;
        }
    }
    if (!it->status().ok()) return to_error(it->status());
    return pb.page;
}

} // namespace runnel::store
