// Routing: publish through the owning shard, subscribe into one or every shard, fan-out
// grouped per destination worker, shared-group redelivery.
#include "broker_internal.hpp"

#include "runnel/core/topic.hpp"

#include <algorithm>
#include <functional>

namespace runnel::broker {
namespace {

/// What a persistent session is owed for `m` through `subs` (QoS 0: nothing to keep).
store::owed_message owed_for(const core::message_ptr& m, const std::vector<sub_options>& subs) {
    store::owed_message o;
    o.tt = m->cur.tt;
    o.msg = m;
    o.qos = 0;
    for (const auto& s : subs) {
        o.qos = std::max(o.qos, std::min(s.qos, m->qos));
        o.retain = o.retain || (s.retain_as_published && m->retain);
        if (s.sub_id != 0) o.sub_ids.push_back(s.sub_id);
    }
    return o;
}

/// How often a shared-group message may bounce off absent members before it is queued.
constexpr unsigned max_shared_attempts = 8;

} // namespace

std::size_t broker::shard_of(std::string_view topic) const noexcept {
    return std::hash<std::string_view>{}(topic) % shards_.size();
}

void broker::run_on(worker_id w, std::function<void()> fn) {
    if (d_.current() == w) fn();
    else d_.post(w, std::move(fn));
}

void broker::publish(core::message msg, std::function<void(const publish_ack&)> done) {
    auto m = std::make_shared<core::message>(std::move(msg));
    auto k = shard_of(m->topic);
    auto origin = d_.current();
    run_on(worker_of(k), [this, k, m = std::move(m), origin, done = std::move(done)]() mutable {
        route(k, std::move(m), origin, std::move(done));
    });
}

void broker::route(std::size_t k, std::shared_ptr<core::message> stamped, worker_id origin,
                   std::function<void(const publish_ack&)> done) {
    auto& sh = *shards_[k];
    auto& ch = sh.buffers.channel(stamped->topic);
    const bool keep_in_log = stored(ch, stamped->topic);
    if (!stamped->idempotency_key.empty() && answer_duplicate(sh, *stamped, origin, done)) return;
    if (keep_in_log && (!opts_.log->writable() || sh.unwritten_bytes > opts_.max_unwritten_bytes)) {
        // Refused before it gets an offset: the channel's offsets stay gap-free.
        publish_ack ack;
        if (!opts_.log->writable()) {
            stats_.refused_storage.inc();
            ack.reason = opts_.log->failure();
            bool full = ack.reason.find("full") != std::string::npos || ack.reason.find("space") != std::string::npos;
            ack.error = full ? errc::storage_full : errc::storage_failed;
        } else {
            stats_.refused_backlog.inc();
            ack.error = errc::server_busy;
            ack.reason = "the retention log is behind; retry shortly";
        }
        if (done) run_on(reply_worker(origin), [done = std::move(done), ack] { done(ack); });
        return;
    }
    ch.stamp(*stamped, clock_.next());
    stats_.routed.inc();
    if (!stamped->idempotency_key.empty()) remember_key(sh, *stamped);
    core::message_ptr m = stamped; // immutable from here on
    auto& found = sh.scratch;
    found.clear();
    sh.trie.match(m->topic, found);
    // One routed item per session, carrying every matching subscription's options.
    std::sort(found.subscribers.begin(), found.subscribers.end(),
              [](const subscriber& a, const subscriber& b) { return a.ref.id < b.ref.id; });
    std::vector<std::shared_ptr<batch>> per_worker(workers_.size());
    auto batch_for = [&](worker_id w) -> batch& {
        if (!per_worker[w]) per_worker[w] = std::make_shared<batch>(batch{m, {}});
        return *per_worker[w];
    };
    std::vector<std::uint64_t> durable; // per routed item kept by a persistent session
    std::size_t reached = 0;
    for (std::size_t i = 0; i < found.subscribers.size(); ++i) {
        const auto& s = found.subscribers[i];
        auto& items = batch_for(s.ref.worker).items;
        if (i > 0 && found.subscribers[i - 1].ref.id == s.ref.id) {
            items.back().subs.push_back(s.opts);
            continue;
        }
        items.push_back(routed{s.ref.id, {s.opts}, std::nullopt, 0});
        items.back().durable = keep_in_log ? s.durable : 0;
        ++reached;
    }
    for (auto* g : found.groups) {
        if (const auto* s = g->pick()) {
            auto& items = batch_for(s->ref.worker).items;
            items.push_back(routed{s->ref.id, {s->opts}, shared_origin{g->name(), g->filter()}, 0});
            items.back().durable = keep_in_log ? s->durable : 0;
            ++reached;
        }
    }
    if (!keep_in_log) {
        sh.buffers.keep(ch, m, d_.now());
        if (m->retain) set_retained(sh, m);
        for (worker_id w = 0; w < per_worker.size(); ++w) {
            if (per_worker[w]) run_on(w, [this, w, b = std::move(per_worker[w])] { deliver_batch(w, b); });
        }
        if (done) run_on(reply_worker(origin), [done = std::move(done), ack = publish_ack{reached, m->cur, {}, {}, false}] { done(ack); });
        return;
    }
    // A stored channel: one write with the message, the channel's position, the retained
    // change, the idempotency key and what persistent sessions are owed; delivered once written.
    if (!sh.open) sh.open = std::make_shared<commit_group>();
    auto& b = sh.open_batch;
    b.messages.push_back(m);
    sh.unwritten_bytes += m->payload.size() + m->topic.size();
    if (m->retain) {
        if (m->payload.empty()) b.retained_erase.push_back(m->topic);
        else b.retained_put.push_back(m);
    }
    if (!m->idempotency_key.empty()) b.idempotency.push_back({m->topic, m->idempotency_key, m->cur, unix_ms_now()});
    for (const auto& pb : per_worker) {
        if (!pb) continue;
        for (auto& item : pb->items) {
            if (item.durable == 0) continue;
            auto o = owed_for(m, item.subs);
            if (o.qos == 0) continue;
            item.owed = true;
            o.durable_id = item.durable;
            b.owed_put.push_back(std::move(o));
        }
    }
    sh.open->items.push_back(pending_publish{std::move(stamped), std::move(done), origin, reached, std::move(per_worker)});
    if (!sh.flush_posted) {
        sh.flush_posted = true;
        d_.post(worker_of(k), [this, k] { flush(k); });
    }
}

void broker::deliver_batch(worker_id w, std::shared_ptr<batch> b) {
    auto& ws = *workers_[w];
    auto now = d_.now();
    for (auto& item : b->items) {
        auto it = ws.sessions.find(item.id);
        if (it == ws.sessions.end()) {
            if (auto m = ws.moved.find(item.id); m != ws.moved.end()) {
                auto to = m->second;
                auto fwd = std::make_shared<batch>(batch{b->msg, {std::move(item)}});
                run_on(to, [this, to, fwd] { deliver_batch(to, fwd); });
            } else if (item.shared) {
                redeliver(b->msg, std::move(*item.shared), item.id, item.attempts + 1);
            } else {
                stats_.dropped_no_session.inc();
            }
            continue;
        }
        auto& s = *it->second;
        // A shared-group message prefers a connected member; it stays here only when every
        // member has been tried.
        if (item.shared && !s.attached() && item.attempts < max_shared_attempts) {
            redeliver(b->msg, std::move(*item.shared), s.id(), item.attempts + 1);
            continue;
        }
        s.deliver(b->msg, item.subs, std::move(item.shared), now, item.owed);
    }
}

void broker::redeliver(core::message_ptr m, shared_origin from, session_id exclude, unsigned attempts) {
    // A group's filter either equals the topic (exact: the topic's shard) or has wildcards (in
    // every shard): the topic's shard always holds it.
    auto k = shard_of(m->topic);
    stats_.redelivered_shared.inc();
    run_on(worker_of(k), [this, k, m = std::move(m), from = std::move(from), exclude, attempts]() mutable {
        auto* g = shards_[k]->trie.find_group(from.filter, from.group);
        const subscriber* s = g ? g->pick(exclude) : nullptr;
        if (!s) {
            stats_.dropped_no_session.inc();
            return;
        }
        // The leaving member is the only one left: it keeps the message (queued until it is back).
        if (s->ref.id == exclude) attempts = max_shared_attempts;
        auto w = s->ref.worker;
        auto b = std::make_shared<batch>(batch{m, {routed{s->ref.id, {s->opts}, std::move(from), attempts}}});
        run_on(w, [this, w, b] { deliver_batch(w, b); });
    });
}

void broker::bind(session_ref ref, const sub_record& r, std::uint64_t durable) {
    auto apply = [this, ref, r, durable](std::size_t k) {
        shards_[k]->trie.insert(r.filter, r.group, subscriber{ref, r.opts, durable});
    };
    if (core::has_wildcard(r.filter)) {
        for (std::size_t k = 0; k < shards_.size(); ++k) run_on(worker_of(k), [apply, k] { apply(k); });
    } else {
        auto k = shard_of(r.filter);
        run_on(worker_of(k), [apply, k] { apply(k); });
    }
}

void broker::unbind(session_ref ref, const sub_record& r) {
    auto apply = [this, ref, r](std::size_t k) { shards_[k]->trie.erase(r.filter, r.group, ref.id); };
    if (core::has_wildcard(r.filter)) {
        for (std::size_t k = 0; k < shards_.size(); ++k) run_on(worker_of(k), [apply, k] { apply(k); });
    } else {
        auto k = shard_of(r.filter);
        run_on(worker_of(k), [apply, k] { apply(k); });
    }
}

} // namespace runnel::broker
