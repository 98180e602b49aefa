#pragma once
/// Retained messages of one router shard: topic name -> last retained message, found by filter.
///
/// A trie of topic levels (the reverse of topic_trie: names are stored, filters are looked up),
/// so a subscription with `+` or `#` walks only the matching branches instead of scanning every
/// retained topic. Empty nodes are pruned when a message is cleared. Expired messages are
/// skipped by match and dropped when found.
///
/// Affinity: single-threaded; owned by one router shard.
#include "runnel/core/message.hpp"

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace runnel::broker {

class retained_index {
public:
    retained_index();
    ~retained_index();
    retained_index(const retained_index&) = delete;
    retained_index& operator=(const retained_index&) = delete;

    /// Stores `m` as the retained message of its topic, or clears that topic when the payload
    /// is empty (MQTT 3.3.1.3).
    void set(core::message_ptr m);
    /// Appends the retained messages whose topic matches `filter` (valid, may have wildcards;
    /// first-level wildcards skip `$` topics) and that have not expired at `now`.
    void match(std::string_view filter, core::steady_time now, std::vector<core::message_ptr>& out);
    std::size_t size() const noexcept { return size_; }
    /// Nodes below the root; zero once every topic is cleared (walks the trie: for tests and
    /// diagnostics, not the data path).
    std::size_t node_count() const;

private:
    struct node;
    std::unique_ptr<node> root_;
    std::size_t size_ = 0;
};

} // namespace runnel::broker
