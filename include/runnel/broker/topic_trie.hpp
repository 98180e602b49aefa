#pragma once
/// Subscription index of one router shard: topic filter -> subscribers.
///
/// A trie of topic levels. Each node keeps its literal children in a hash map and its `+` and
/// `#` children in dedicated slots, so matching a name walks one literal edge per level and
/// visits wildcard branches only where they exist. A node holds the plain subscribers whose
/// filter ends there and the shared groups (`$share/{group}/{filter}`) that end there; a shared
/// group hands each message to one member, round robin. Nodes left empty by erase are pruned.
/// A first-level `+` or `#` never matches a name starting with `$`.
/// Results are cached per topic name and stamped with a generation that every insert and erase
/// bumps, so a repeated publish to a hot topic skips the walk (NATS sublist idea).
///
/// Affinity: single-threaded; owned by one router shard and used only on its worker.
#include "runnel/broker/types.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::broker {

class shared_group {
public:
    shared_group(std::string name, std::string filter) : name_(std::move(name)), filter_(std::move(filter)) {}
    const std::string& name() const noexcept { return name_; }
    /// The filter the group subscribes to (without `$share/{group}/`).
    const std::string& filter() const noexcept { return filter_; }
    const std::vector<subscriber>& members() const noexcept { return members_; }
    /// Next member in round-robin order, skipping `exclude` when another member exists;
    /// nullptr when the group is empty.
    const subscriber* pick(session_id exclude = 0);
    bool upsert(const subscriber& s); // true when new
    bool erase(session_id id);
    bool empty() const noexcept { return members_.empty(); }

private:
    std::string name_;
    std::string filter_;
    std::vector<subscriber> members_;
    std::size_t next_ = 0;
};

struct match_result {
    /// Plain subscribers of every matching filter; a session with several matching filters
    /// appears once per filter (the router merges them).
    std::vector<subscriber> subscribers;
    /// Shared groups of every matching filter (one entry per group and filter).
    std::vector<shared_group*> groups;
    void clear() { subscribers.clear(); groups.clear(); }
};

class topic_trie {
public:
    /// `cache_capacity` bounds the number of cached topic names; 0 disables the cache.
    explicit topic_trie(std::size_t cache_capacity = 1024);
    ~topic_trie();
    topic_trie(const topic_trie&) = delete;
    topic_trie& operator=(const topic_trie&) = delete;

    /// Adds `who` to `filter` (to shared group `group` when not empty), or replaces its options
    /// when that session already subscribes there. Returns true when the subscription is new.
    /// `filter` is assumed valid (core::validate_filter).
    bool insert(std::string_view filter, std::string_view group, const subscriber& who);
    /// Removes session `id` from `filter` / `group`. Returns true when it was there.
    bool erase(std::string_view filter, std::string_view group, session_id id);

    /// Appends everything that matches topic name `name` to `out` (the caller clears it between
    /// publishes). The group pointers stay valid until the next insert or erase.
    void match(std::string_view name, match_result& out);

    /// The shared group `group` on exactly `filter`, or nullptr.
    shared_group* find_group(std::string_view filter, std::string_view group);

    /// Number of subscriptions (plain ones plus shared-group memberships).
    std::size_t size() const noexcept { return size_; }
    std::uint64_t generation() const noexcept { return generation_; }
    /// Nodes below the root; zero once every subscription is erased (walks the trie: for tests
    /// and diagnostics, not the data path).
    std::size_t node_count() const;

private:
    struct node;
    struct cache;
    std::unique_ptr<node> root_;
    std::unique_ptr<cache> cache_;
    std::size_t size_ = 0;
    std::uint64_t generation_ = 0;
};

} // namespace runnel::broker
