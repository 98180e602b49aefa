// Subscribe and unsubscribe: record in the session, apply in one shard (exact filter) or every
// shard (wildcards), collect retained messages, answer once every shard has applied.
#include "broker_internal.hpp"

#include "runnel/core/topic.hpp"

namespace runnel::broker {
namespace {

sub_record record_of(const std::string& full, const sub_options& opts) {
    if (auto s = core::parse_shared(full); s && s->has_value()) return {(*s)->filter, (*s)->group, opts};
    return {full, std::string(), opts};
}

/// Gathers per-shard answers on the session's worker and calls `done` after the last one.
template <class Result>
struct gather {
    std::vector<Result> out;
    std::size_t remaining = 0;
};

} // namespace

void broker::subscribe(session* s, std::vector<sub_request> reqs, std::function<void(std::vector<sub_outcome>)> done) {
    auto w = d_.current();
    session_ref ref{w, s->id()};
    auto g = std::make_shared<gather<sub_outcome>>();
    g->out.resize(reqs.size());
    // A persistent session gets its durable id before the shards learn the subscription.
    if (opts_.log && s->expiry().count() > 0 && s->durable_id() == 0) s->make_durable(next_durable_.fetch_add(1), opts_.log);
    auto durable = s->durable_id();
    // Work per shard: (request index, record, send retained?).
    struct item { std::size_t i; sub_record r; std::uint8_t rh; };
    std::vector<std::vector<item>> work(shards_.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        auto r = record_of(reqs[i].filter, reqs[i].opts);
        auto [it, inserted] = s->subscriptions().insert_or_assign(reqs[i].filter, r);
        if (inserted) stats_.subscriptions.add(1);
        // Shared subscriptions never get retained messages (MQTT 4.8.2).
        std::uint8_t rh = r.group.empty() ? reqs[i].retain_handling : 2;
        if (core::has_wildcard(r.filter)) {
            for (auto& wk : work) wk.push_back({i, r, rh});
        } else {
            work[shard_of(r.filter)].push_back({i, r, rh});
        }
    }
    for (const auto& wk : work) g->remaining += wk.empty() ? 0 : 1;
    // The session's record is durable before the acknowledgement (it names what is owed).
    g->remaining += 1;
    if (!persist(*s, 0, [g, done] {
            if (--g->remaining == 0) done(std::move(g->out));
        })) {
        g->remaining -= 1;
    }
    for (std::size_t k = 0; k < shards_.size(); ++k) {
        if (work[k].empty()) continue;
        run_on(worker_of(k), [this, k, w, ref, g, done, durable, items = std::move(work[k])] {
            auto& sh = *shards_[k];
            auto now = d_.now();
            std::vector<std::pair<std::size_t, sub_outcome>> answers;
            for (const auto& it : items) {
                sub_outcome o;
                o.existed = !sh.trie.insert(it.r.filter, it.r.group, subscriber{ref, it.r.opts, durable});
                // Every message stamped from here on matches the subscription.
                o.horizon = clock_.last();
                if (it.rh == 0 || (it.rh == 1 && !o.existed)) sh.retained.match(it.r.filter, now, o.retained);
                answers.emplace_back(it.i, std::move(o));
            }
            run_on(w, [g, done, answers = std::move(answers)]() mutable {
                for (auto& [i, o] : answers) {
                    auto& dst = g->out[i];
                    dst.existed = dst.existed || o.existed;
                    dst.horizon = std::max(dst.horizon, o.horizon);
                    for (auto& m : o.retained) dst.retained.push_back(std::move(m));
                }
                if (--g->remaining == 0) done(std::move(g->out));
            });
        });
    }
}

void broker::unsubscribe(session* s, std::vector<std::string> filters, std::function<void(std::vector<bool>)> done) {
    auto w = d_.current();
    session_ref ref{w, s->id()};
    std::vector<bool> existed(filters.size(), false);
    for (std::size_t i = 0; i < filters.size(); ++i) {
        auto it = s->subscriptions().find(filters[i]);
        if (it == s->subscriptions().end()) continue;
        existed[i] = true;
        unbind(ref, it->second);
        s->subscriptions().erase(it);
        stats_.subscriptions.sub(1);
    }
    if (s->durable_id() != 0) persist(*s, 0);
    // Unbinding is posted to the shards; answer after they applied it so a publish that follows
    // the acknowledgement no longer matches. A round trip through every shard's worker does it.
    auto g = std::make_shared<gather<bool>>();
    g->out = std::move(existed);
    g->remaining = shards_.size();
    for (std::size_t k = 0; k < shards_.size(); ++k) {
        run_on(worker_of(k), [this, w, g, done] {
            run_on(w, [g, done] {
                if (--g->remaining == 0) done(std::move(g->out));
            });
        });
    }
}

} // namespace runnel::broker
