// Cursor reads: gather buffered messages after a timetoken from every shard a set of filters
// can touch, then cut them at a horizon all those shards have passed.
#include "broker_internal.hpp"

#include "runnel/core/topic.hpp"

#include <algorithm>
#include <limits>
#include <mutex>

namespace runnel::broker {
namespace {

/// The shards' answers, merged as they arrive (each on its own worker).
struct gather {
    std::mutex mutex; // guards every member: shards answer on their own workers
    std::size_t pending = 0;
    read_result out;
    std::uint64_t horizon = std::numeric_limits<std::uint64_t>::max();
};

void note_gap(read_result& r, std::string reason) {
    if (!r.complete) return;
    r.complete = false;
    r.reason = std::move(reason);
}

} // namespace

void broker::read(std::vector<std::string> filters, std::uint64_t since, std::size_t limit, std::size_t max_bytes,
                  std::function<void(read_result)> done) {
    bool future = since > clock_.last();
    if (future) since = clock_.last();
    std::vector<std::size_t> consulted;
    for (const auto& f : filters) {
        if (core::has_wildcard(f)) {
            consulted.resize(shards_.size());
            for (std::size_t k = 0; k < shards_.size(); ++k) consulted[k] = k;
            break;
        }
        consulted.push_back(shard_of(f));
    }
    std::sort(consulted.begin(), consulted.end());
    consulted.erase(std::unique(consulted.begin(), consulted.end()), consulted.end());

    auto g = std::make_shared<gather>();
    g->pending = consulted.size();
    auto origin = reply_worker(d_.current());
    auto shared_filters = std::make_shared<const std::vector<std::string>>(std::move(filters));
    auto finish = [this, g, since, limit, max_bytes, future, origin, done = std::move(done)] {
        auto& r = g->out;
        std::sort(r.messages.begin(), r.messages.end(), [](const auto& a, const auto& b) { return a->cur.tt < b->cur.tt; });
        // A channel matched by two filters was read twice.
        r.messages.erase(std::unique(r.messages.begin(), r.messages.end(),
                                     [](const auto& a, const auto& b) { return a->cur.tt == b->cur.tt; }),
                         r.messages.end());
        auto past = std::find_if(r.messages.begin(), r.messages.end(), [h = g->horizon](const auto& m) { return m->cur.tt > h; });
        r.messages.erase(past, r.messages.end());
        if (since < start_tt_ || future) { // these reasons explain everything else
            r.complete = false;
            r.reason = future ? "cursor is ahead of this node's clock" : "cursor is from before this node started";
        }
        std::size_t keep = 0;
        for (std::size_t bytes = 0; keep < r.messages.size() && keep < limit; ++keep) {
            bytes += r.messages[keep]->payload.size() + r.messages[keep]->topic.size();
            if (keep > 0 && bytes > max_bytes) break;
        }
        if (keep < r.messages.size()) {
            r.messages.resize(keep);
            r.cursor = r.messages.back()->cur.tt;
        } else {
            r.cursor = std::max(since, g->horizon);
        }
        run_on(origin, [done, r = std::move(r)]() mutable { done(std::move(r)); });
    };
    for (auto k : consulted) {
        run_on(worker_of(k), [this, k, g, since, shared_filters, finish] {
            // Every message this shard stamps from now on gets a tt above this horizon.
            auto horizon = clock_.last();
            auto now = d_.now();
            read_result part;
            auto& buffers = shards_[k]->buffers;
            auto scan = [&](const std::string& name) {
                if (!buffers.read_after(name, since, now, part.messages))
                    note_gap(part, "cursor is older than the buffer of " + name);
            };
            std::vector<std::string> matched;
            for (const auto& f : *shared_filters) {
                if (core::has_wildcard(f)) {
                    buffers.for_each_name([&](const std::string& name) {
                        if (core::filter_matches(f, name)) matched.push_back(name);
                    });
                } else if (shard_of(f) == k) {
                    matched.push_back(f);
                }
            }
            for (const auto& name : matched) scan(name);
            std::unique_lock lock(g->mutex);
            auto& out = g->out;
            out.messages.insert(out.messages.end(), part.messages.begin(), part.messages.end());
            if (!part.complete) note_gap(out, std::move(part.reason));
            g->horizon = std::min(g->horizon, horizon);
            if (--g->pending > 0) return;
            lock.unlock();
            finish();
        });
    }
}

} // namespace runnel::broker
