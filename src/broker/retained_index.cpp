/// retained_index: topic-name levels as trie edges, the retained message at the node where its
/// name ends.
///
///   root ── "sport" ── "tennis" ── "player1"  [m1]      sport/tennis/player1
///    │                    └────── "player2"  [m2]      sport/tennis/player2
///    └── "$SYS" ── "uptime"                  [m3]      $SYS/uptime
///
/// Stored names never contain wildcards, so the filter drives the walk: a literal level follows
/// one edge, `+` follows every edge of the node, and `#` takes the node itself (the parent
/// level: "a/#" matches "a") and its whole subtree. At the root, `+` and `#` skip the edges
/// that start with `$` (MQTT 4.7.2), so "#" does not return $SYS topics.
///
/// Clearing a topic (an empty retained payload) removes its message and prunes the nodes left
/// with neither a message nor children. An expired message found by match is dropped and its
/// branch pruned the same way, so expiry needs no separate sweep for topics that are read.
#include "runnel/broker/retained_index.hpp"

#include "runnel/core/assert.hpp"
#include "trie_detail.hpp"

#include <functional>
#include <string>
#include <unordered_map>

namespace runnel::broker {

using detail::next_level;
using detail::no_more_levels;

namespace {

struct match_ctx {
    core::steady_time now;
    std::vector<core::message_ptr>& out;
    std::size_t dropped = 0; // expired messages removed during this match
};

} // namespace

struct retained_index::node {
    using child_map = std::unordered_map<std::string, std::unique_ptr<node>, detail::string_hash,
                                         std::equal_to<>>;

    child_map children;
    core::message_ptr msg; // null: no retained message on this exact name

    bool empty() const noexcept { return !msg && children.empty(); }

    node& child_or_create(std::string_view level) {
        if (auto it = children.find(level); it != children.end()) return *it->second;
        return *children.emplace(std::string(level), std::make_unique<node>()).first->second;
    }

    /// Removes the message of the name whose remaining levels start at `pos`; prunes on the
    /// way back up. True when there was one.
    bool clear(std::string_view topic, std::size_t pos) {
        if (pos == no_more_levels) {
            if (!msg) return false;
            msg.reset();
            return true;
        }
        auto it = children.find(next_level(topic, pos));
        if (it == children.end()) return false;
        const bool removed = it->second->clear(topic, pos);
        if (it->second->empty()) children.erase(it);
        return removed;
    }

    void take(match_ctx& ctx) {
        if (!msg) return;
        if (msg->expires_at && *msg->expires_at <= ctx.now) {
            msg.reset();
            ++ctx.dropped;
            return;
        }
        ctx.out.push_back(msg);
    }

    /// Runs `visit` on every child (but `$` ones when `skip_dollar`) and prunes the children
    /// it leaves empty.
    template <class Visit>
    void each_child(bool skip_dollar, Visit&& visit) {
        for (auto it = children.begin(); it != children.end();) {
            if (skip_dollar && it->first.starts_with('$')) {
                ++it;
                continue;
            }
            visit(*it->second);
            it = it->second->empty() ? children.erase(it) : std::next(it);
        }
    }

    /// This node and its whole subtree (a `#` level).
    void take_all(bool root, match_ctx& ctx) {
        take(ctx);
        each_child(root, [&](node& child) { child.take_all(false, ctx); });
    }

    /// Matches the filter levels starting at `pos` against this node's subtree.
    void match(std::string_view filter, std::size_t pos, bool root, match_ctx& ctx) {
        if (pos == no_more_levels) {
            take(ctx);
            return;
        }
        auto level = next_level(filter, pos);
        if (level == "#") {
            take_all(root, ctx);
        } else if (level == "+") {
            each_child(root, [&](node& child) { child.match(filter, pos, false, ctx); });
        } else if (auto it = children.find(level); it != children.end()) {
            it->second->match(filter, pos, false, ctx);
            if (it->second->empty()) children.erase(it);
        }
    }

    std::size_t count() const {
        std::size_t n = 0;
        for (const auto& [level, child] : children) n += 1 + child->count();
        return n;
    }
};

retained_index::retained_index() : root_(std::make_unique<node>()) {}

retained_index::~retained_index() = default;

void retained_index::set(core::message_ptr m) {
    RUNNEL_ASSERT(m != nullptr);
    const auto& topic = m->topic;
    if (m->payload.empty()) {
        if (root_->clear(topic, 0)) --size_;
        return;
    }
    node* n = root_.get();
    for (std::size_t pos = 0; pos != no_more_levels;)
        n = &n->child_or_create(next_level(topic, pos));
    if (!n->msg) ++size_;
    n->msg = std::move(m);
}

void retained_index::match(std::string_view filter, core::steady_time now,
                           std::vector<core::message_ptr>& out) {
    match_ctx ctx{now, out};
    root_->match(filter, 0, true, ctx);
    size_ -= ctx.dropped;
}

std::size_t retained_index::node_count() const { return root_->count(); }

} // namespace runnel::broker
