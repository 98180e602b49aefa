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
    std::mutex mutex; // guards every member: shards (and the log) answer on their own threads
    std::size_t pending = 0;
    read_result out;
    std::uint64_t horizon = std::numeric_limits<std::uint64_t>::max();
    bool volatile_seen = false;         // a channel only in memory (lost on restart) was read
    std::vector<std::string> from_log;  // channels whose buffer no longer covers the cursor
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
        bool volatile_before_start = since < start_tt_ && (!opts_.log || g->volatile_seen);
        std::sort(r.messages.begin(), r.messages.end(), [](const auto& a, const auto& b) { return a->cur.tt < b->cur.tt; });
        // A channel matched by two filters was read twice.
        r.messages.erase(std::unique(r.messages.begin(), r.messages.end(),
                                     [](const auto& a, const auto& b) { return a->cur.tt == b->cur.tt; }),
                         r.messages.end());
        auto past = std::find_if(r.messages.begin(), r.messages.end(), [h = g->horizon](const auto& m) { return m->cur.tt > h; });
        r.messages.erase(past, r.messages.end());
        if (volatile_before_start || future) { // these reasons explain everything else
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
    // After the shards: the channels whose buffers do not reach back far enough are read from
    // the log, up to the horizon; a log page cut short lowers the horizon to its last message.
    auto from_log = [this, g, since, limit, max_bytes, finish] {
        auto names = std::move(g->from_log);
        if (names.empty()) return finish();
        g->pending = names.size();
        auto until = g->horizon;
        for (auto& name : names) {
            store::read_query q;
            q.channel = name;
            q.after_tt = since;
            q.until_tt = until;
            q.limit = limit;
            q.max_bytes = max_bytes;
            opts_.log->read(std::move(q), [g, since, name, finish](boost::system::error_code ec, store::read_page page) {
                std::unique_lock lock(g->mutex);
                auto& out = g->out;
                if (ec) note_gap(out, "the log of " + name + " could not be read: " + ec.message());
                if (page.trimmed_tt > since) note_gap(out, "cursor is older than the retention of " + name);
                if (page.more && !page.messages.empty()) g->horizon = std::min(g->horizon, page.messages.back()->cur.tt);
                out.messages.insert(out.messages.end(), page.messages.begin(), page.messages.end());
                if (--g->pending > 0) return;
                lock.unlock();
                finish();
            });
        }
    };
    for (auto k : consulted) {
        run_on(worker_of(k), [this, k, g, since, shared_filters, from_log] {
            // Every message this shard stamps from now on gets a tt above this horizon, and
            // everything at or below it is readable.
            auto horizon = this->horizon(*shards_[k]);
            auto now = d_.now();
            read_result part;
            std::vector<std::string> log_names;
            bool volatile_seen = false;
            auto& buffers = shards_[k]->buffers;
            auto scan = [&](const std::string& name) {
                auto* ch = buffers.find(name);
                if (!ch) { // never published here (since the start, or at all)
                    volatile_seen = volatile_seen || !opts_.log || !opts_.retention_of(name).store;
                    return;
                }
                bool keep_in_log = stored(*ch, name);
                volatile_seen = volatile_seen || !keep_in_log;
                auto before = part.messages.size();
                if (buffers.read_after(name, since, now, part.messages)) return;
                if (keep_in_log) {
                    part.messages.resize(before); // the log has all of them
                    log_names.push_back(name);
                } else {
                    note_gap(part, "cursor is older than the buffer of " + name);
                }
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
            g->volatile_seen = g->volatile_seen || volatile_seen;
            for (auto& n : log_names) g->from_log.push_back(std::move(n));
            if (--g->pending > 0) return;
            lock.unlock();
            from_log();
        });
    }
}

} // namespace runnel::broker
