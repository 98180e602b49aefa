#pragma once
// Private parts of runnel::broker shared by broker.cpp (sessions) and router.cpp (routing).
#include "runnel/broker/broker.hpp"
#include "runnel/broker/buffer_set.hpp"
#include "runnel/broker/retained_index.hpp"
#include "runnel/broker/topic_trie.hpp"

#include <unordered_map>

namespace runnel::broker {

/// One router shard. Affinity: its owning worker only.
struct broker::shard {
    shard(const buffer_limits& lim, std::size_t shards) : buffers(lim, lim.max_total_bytes / shards) {}
    topic_trie trie;
    retained_index retained;
    match_result scratch; // reused by every publish on this shard
    /// Every channel published to on this shard: its offsets, epoch and newest messages.
    buffer_set buffers;
};

/// What one worker owns. Affinity: that worker only.
struct broker::worker_state {
    std::unordered_map<session_id, std::unique_ptr<session>> sessions;
    /// Sessions that moved to another worker: late deliveries and takeovers are forwarded.
    std::unordered_map<session_id, worker_id> moved;
};

/// A routed message for one session: the options of every subscription of that session that
/// matched, or one shared-group pick.
struct broker::routed {
    session_id id;
    std::vector<sub_options> subs;
    std::optional<shared_origin> shared;
    unsigned attempts = 0;
};

/// All sessions of one worker that one message goes to: one post per (publish, worker).
struct broker::batch {
    core::message_ptr msg;
    std::vector<routed> items;
};

} // namespace runnel::broker
