#pragma once
// Private parts of runnel::broker shared by broker.cpp (sessions) and router.cpp (routing).
#include "runnel/broker/broker.hpp"
#include "runnel/broker/buffer_set.hpp"
#include "runnel/broker/retained_index.hpp"
#include "runnel/broker/topic_trie.hpp"

#include <deque>
#include <unordered_map>

namespace runnel::broker {

/// A stamped message of a stored channel waiting for the log: it is delivered once written
/// and acknowledged once durable.
struct broker::pending_publish {
    std::shared_ptr<core::message> msg;
    std::function<void(const publish_ack&)> done;
    worker_id origin = 0;
    std::size_t reached = 0;
    std::vector<std::shared_ptr<batch>> fanout; // per worker, null where none
};

/// One write_batch on its way to the log, in submission order.
struct broker::commit_group {
    std::vector<pending_publish> items;
    /// Run once the group's deliveries are posted (or it failed): fences that must follow
    /// every delivery the shard matched before them (a session moving to another worker).
    std::vector<std::function<void()>> after_written;
};

/// An idempotency key seen on a channel: the cursor its publish got, until when it is
/// remembered, and (while its write is pending) the retries waiting for the outcome.
struct broker::idem_entry {
    core::cursor cur;
    core::steady_time until;
    bool durable = false;
    std::vector<std::pair<worker_id, std::function<void(const publish_ack&)>>> waiters;
};

/// One router shard. Affinity: its owning worker only.
struct broker::shard {
    shard(const buffer_limits& lim, std::size_t shards) : buffers(lim, lim.max_total_bytes / shards) {}
    topic_trie trie;
    retained_index retained;
    match_result scratch; // reused by every publish on this shard
    /// Every channel published to on this shard: its offsets, epoch and newest messages.
    buffer_set buffers;
    /// Stored-channel publishes routed since the last flush (one write_batch per flush).
    std::shared_ptr<commit_group> open;
    store::write_batch open_batch;
    bool flush_posted = false;
    /// Groups submitted to the log and not yet written, oldest first, and the payload + topic
    /// bytes they (and the open group) hold.
    std::deque<std::shared_ptr<commit_group>> unwritten;
    std::size_t unwritten_bytes = 0;
    /// Idempotency keys by channel + '\0' + key, and their expiry order.
    std::unordered_map<std::string, idem_entry> idem;
    std::deque<std::pair<core::steady_time, std::string>> idem_order;

    /// Runs `fn` after every delivery this shard has matched so far is posted: now, or once
    /// the newest pending group is written.
    void after_pending(std::function<void()> fn) {
        if (open && !open->items.empty()) open->after_written.push_back(std::move(fn));
        else if (!unwritten.empty()) unwritten.back()->after_written.push_back(std::move(fn));
        else fn();
    }

    /// The smallest tt stamped here that is not yet readable (0 = none).
    std::uint64_t first_unreadable() const noexcept {
        if (!unwritten.empty()) return unwritten.front()->items.front().msg->cur.tt;
        if (open && !open->items.empty()) return open->items.front().msg->cur.tt;
        return 0;
    }
};


/// A routed message for one session: the options of every subscription of that session that
/// matched, or one shared-group pick.
struct broker::routed {
    session_id id;
    std::vector<sub_options> subs;
    std::optional<shared_origin> shared;
    unsigned attempts = 0;
    std::uint64_t durable = 0; // the session's durable id when the log keeps this message
    bool owed = false;         // the log holds an owed entry for it (persistent session)
};

/// What one worker owns. Affinity: that worker only.
struct broker::worker_state {
    std::unordered_map<session_id, std::unique_ptr<session>> sessions;
    /// Sessions that moved to another worker: late deliveries and takeovers are forwarded.
    std::unordered_map<session_id, worker_id> moved;
    /// Sessions on their way here: deliveries the shards already route here wait until the
    /// session (with every earlier message in its queue) arrives, so order holds.
    std::unordered_map<session_id, std::vector<std::pair<core::message_ptr, routed>>> arriving;
};

/// All sessions of one worker that one message goes to: one post per (publish, worker).
struct broker::batch {
    core::message_ptr msg;
    std::vector<routed> items;
};

/// Unix time in ms (the log's clock for retention and idempotency).
std::int64_t unix_ms_now() noexcept;

} // namespace runnel::broker
