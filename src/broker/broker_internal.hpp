#pragma once
// Private parts of runnel::broker shared by broker.cpp (sessions) and router.cpp (routing).
#include "runnel/broker/broker.hpp"
#include "runnel/broker/retained_index.hpp"
#include "runnel/broker/topic_trie.hpp"

#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runnel::broker {

/// One router shard. Affinity: its owning worker only.
struct broker::shard {
    struct name_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    topic_trie trie;
    retained_index retained;
    match_result scratch; // reused by every publish on this shard
    /// Every channel published to on this shard: its offsets, epoch and newest messages.
    std::unordered_map<std::string, channel_buffer, name_hash, std::equal_to<>> channels;
    std::mt19937_64 epochs{std::random_device{}()};
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
