#pragma once
/// One channel's newest messages, in memory: what long-poll and SSE cursors read (the retention
/// log takes over the long tail later). The buffer assigns offsets (gap-free from 1) under one
/// epoch and remembers the newest timetoken it had to evict, so a reader can tell whether
/// everything after its cursor is still here.
///
/// Affinity: owned by the channel's router shard; used on that shard's worker only.
#include "runnel/core/message.hpp"
#include "runnel/store/retention_log.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <algorithm>
#include <string>
#include <vector>

namespace runnel::broker {

struct buffer_limits {
    std::size_t max_messages = 1000;
    std::size_t max_bytes = 1 << 20;        // payload + topic bytes
    std::chrono::seconds max_age{3600};
    std::size_t max_total_bytes = std::size_t{256} << 20; // all channels of the node together
};

class channel_buffer {
public:
    explicit channel_buffer(std::uint64_t epoch) : epoch_(epoch) {}

    /// Stamps `m` with the next offset, this epoch and `tt` (larger than any before), keeps
    /// it, and evicts the oldest messages past the limits. A limit of 0 messages keeps nothing.
    void append(const std::shared_ptr<core::message>& m, std::uint64_t tt, core::steady_time now,
                const buffer_limits& lim) {
        stamp(*m, tt);
        keep(m, now, lim);
    }
    /// The two halves of append: a stored channel's message is stamped when it is routed and
    /// kept once the log has it.
    void stamp(core::message& m, std::uint64_t tt) { m.cur = core::cursor{next_offset_++, epoch_, tt}; }
    void keep(const core::message_ptr& m, core::steady_time now, const buffer_limits& lim);
    /// Continues a channel from the log: offsets after `last_offset`; everything up to
    /// `covered_tt` is only in the log (reads from before it report a gap here).
    void restore(std::uint64_t last_offset, std::uint64_t covered_tt) {
        next_offset_ = last_offset + 1;
        evicted_tt_ = std::max(evicted_tt_, covered_tt);
    }
    /// Whether the retention log keeps this channel (cached by the shard; unset = not asked).
    std::optional<bool> stored;

    /// Appends the messages with tt > `since` that have not expired to `out`, oldest first.
    /// Returns false when some message with tt > `since` was already evicted (a gap).
    bool read_after(std::uint64_t since, core::steady_time now, const buffer_limits& lim,
                    std::vector<core::message_ptr>& out);

    /// Reads the kept messages inside `q`'s bounds (its channel is not looked at) in the
    /// order it asks, within its limit and max_bytes (always at least one), skipping expired
    /// ones. `out.more` says a further message in the bounds is kept; `trimmed_offset` and
    /// `trimmed_tt` name the newest message evicted, as the retention log does.
    void read_range(const store::read_query& q, core::steady_time now, const buffer_limits& lim,
                    store::read_page& out);

    std::uint64_t epoch() const noexcept { return epoch_; }
    std::uint64_t last_offset() const noexcept { return next_offset_ - 1; }
    std::size_t size() const noexcept { return entries_.size(); }
    std::size_t bytes() const noexcept { return bytes_; }
    /// The tt and offset of the newest evicted message (0 = none evicted).
    std::uint64_t evicted_tt() const noexcept { return evicted_tt_; }
    std::uint64_t evicted_offset() const noexcept { return evicted_offset_; }
    /// The tt of the oldest / newest kept message (0 when empty).
    std::uint64_t oldest_tt() const noexcept { return entries_.empty() ? 0 : entries_.front().msg->cur.tt; }
    std::uint64_t newest_tt() const noexcept { return entries_.empty() ? 0 : entries_.back().msg->cur.tt; }
    /// Drops the oldest kept message (the node-wide byte budget does this).
    void evict_oldest() {
        if (!entries_.empty()) evict_front();
    }

private:
    struct entry {
        core::message_ptr msg;
        core::steady_time at;
        std::size_t bytes;
    };
    void evict_front();
    void expire(core::steady_time now, const buffer_limits& lim);

    std::deque<entry> entries_;
    std::uint64_t epoch_;
    std::uint64_t next_offset_ = 1;
    std::uint64_t evicted_tt_ = 0;
    std::uint64_t evicted_offset_ = 0;
    std::size_t bytes_ = 0;
};

} // namespace runnel::broker
