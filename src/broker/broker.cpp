// Session lifecycle: open, takeover, connection loss, will, expiry, end.
#include "broker_internal.hpp"

#include "runnel/core/topic.hpp"
#include "runnel/obs/log.hpp"

namespace runnel::broker {

broker::broker(dispatcher& d, broker_options opts, broker_stats& stats)
    : d_(d), opts_(opts), stats_(stats) {
    auto shards = opts_.shards == 0 ? d_.workers() : opts_.shards;
    for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<shard>(opts_.buffer, shards));
    for (std::size_t i = 0; i < d_.workers(); ++i) workers_.push_back(std::make_unique<worker_state>());
}

broker::~broker() = default;

session* broker::find(worker_id w, session_id id) {
    auto& ws = *workers_[w];
    auto it = ws.sessions.find(id);
    return it == ws.sessions.end() ? nullptr : it->second.get();
}

session* broker::create_session(worker_id w, session_id id, const std::string& client_id) {
    auto s = std::make_unique<session>(id, client_id, opts_.limits, &stats_);
    auto* p = s.get();
    workers_[w]->sessions.emplace(id, std::move(s));
    return p;
}

void broker::open_session(worker_id w, std::string client_id, bool clean_start, open_fn done) {
    session_ref existing{};
    session_id fresh = 0;
    {
        std::lock_guard lock(registry_mutex_);
        auto [it, inserted] = registry_.try_emplace(client_id);
        if (inserted) {
            fresh = next_id_++;
            it->second = {w, fresh};
        } else {
            existing = it->second;
        }
    }
    if (fresh != 0) {
        done(create_session(w, fresh, client_id), false);
        return;
    }
    take(existing.worker, existing.id, w, std::move(client_id), clean_start, std::move(done));
}

void broker::take(worker_id at, session_id id, worker_id to, std::string cid, bool clean, open_fn done) {
    run_on(at, [this, at, id, to, cid = std::move(cid), clean, done = std::move(done)]() mutable {
        auto& ws = *workers_[at];
        auto it = ws.sessions.find(id);
        if (it == ws.sessions.end()) {
            if (auto m = ws.moved.find(id); m != ws.moved.end()) {
                take(m->second, id, to, std::move(cid), clean, std::move(done));
            } else {
                // Ended meanwhile: start over from the registry.
                run_on(to, [this, to, cid, clean, done] { open_session(to, cid, clean, done); });
            }
            return;
        }
        auto& s = *it->second;
        if (auto* sink = s.sink()) {
            s.detach();
            sink->kick(errc::session_taken_over);
        }
        // The old connection's will: a session that ends, or a will without delay, publishes
        // now; a session resumed within the will delay never does (MQTT 3.1.3.2.2).
        if (s.will() && (clean || s.will()->delay.count() == 0)) fire_will(at, s);
        s.will().reset();
        s.bump_epoch();
        if (clean) {
            session_id fresh;
            {
                std::lock_guard lock(registry_mutex_);
                fresh = next_id_++;
                registry_[cid] = {to, fresh};
            }
            end_session(at, id);
            run_on(to, [this, to, fresh, cid, done] { done(create_session(to, fresh, cid), false); });
            return;
        }
        if (at == to) {
            done(&s, true);
            return;
        }
        move(at, s, to, std::move(done));
    });
}

void broker::move(worker_id at, session& s, worker_id to, open_fn done) {
    // Order: the shards route the session to `to` first; each then answers here, after every
    // delivery it posted here before. Once all have answered, the session's queue holds every
    // message routed the old way, and it moves; what the shards route meanwhile waits on `to`.
    auto id = s.id();
    run_on(to, [this, to, id] { workers_[to]->arriving[id]; });
    std::vector<std::vector<sub_record>> per_shard(shards_.size());
    for (const auto& [key, r] : s.subscriptions()) {
        if (core::has_wildcard(r.filter)) {
            for (auto& v : per_shard) v.push_back(r);
        } else {
            per_shard[shard_of(r.filter)].push_back(r);
        }
    }
    auto remaining = std::make_shared<std::size_t>(0);
    for (const auto& v : per_shard) *remaining += v.empty() ? 0 : 1;
    auto finish = [this, at, id, to, cid = s.client_id(), done = std::move(done)]() mutable {
        auto& ws = *workers_[at];
        auto it = ws.sessions.find(id);
        if (it == ws.sessions.end()) { // ended (or moved by a newer takeover) meanwhile: start over
            run_on(to, [this, to, id, cid, done = std::move(done)]() mutable {
                workers_[to]->arriving.erase(id);
                open_session(to, cid, false, std::move(done));
            });
            return;
        }
        auto owned = std::move(it->second);
        ws.sessions.erase(it);
        ws.moved[id] = to;
        owned->visited().push_back(at);
        auto holder = std::make_shared<std::unique_ptr<session>>(std::move(owned));
        run_on(to, [this, to, holder, done = std::move(done)] { install(to, std::move(*holder), done); });
    };
    if (*remaining == 0) return finish();
    auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
    session_ref ref{to, id};
    auto durable = s.durable_id();
    for (std::size_t k = 0; k < shards_.size(); ++k) {
        if (per_shard[k].empty()) continue;
        run_on(worker_of(k), [this, k, at, ref, durable, remaining, shared_finish, subs = std::move(per_shard[k])] {
            for (const auto& r : subs) shards_[k]->trie.insert(r.filter, r.group, subscriber{ref, r.opts, durable});
            // Messages matched the old way may still wait for the log: answer after them.
            shards_[k]->after_pending([this, at, remaining, shared_finish] {
                run_on(at, [remaining, shared_finish] {
                    if (--*remaining == 0) (*shared_finish)();
                });
            });
        });
    }
}

void broker::install(worker_id w, std::unique_ptr<session> s, open_fn done) {
    auto* p = s.get();
    auto& ws = *workers_[w];
    ws.sessions[p->id()] = std::move(s);
    ws.moved.erase(p->id());
    {
        std::lock_guard lock(registry_mutex_);
        auto it = registry_.find(p->client_id());
        if (it != registry_.end() && it->second.id == p->id()) it->second.worker = w;
    }
    // The shards already route here (move()); what they sent before the session arrived
    // follows everything in its queue.
    if (auto held = ws.arriving.find(p->id()); held != ws.arriving.end()) {
        auto items = std::move(held->second);
        ws.arriving.erase(held);
        auto now = d_.now();
        for (auto& [m, item] : items) p->deliver(m, item.subs, std::move(item.shared), now, item.owed);
    }
    done(p, true);
}

void broker::connection_lost(session* s, bool abnormal) {
    auto w = d_.current();
    s->detach();
    s->bump_epoch();
    // Shared-group messages never wait for an absent member: hand them to another one.
    for (auto& o : s->take_shared()) redeliver(o.msg, std::move(*o.shared), s->id(), 0);
    if (!abnormal) s->will().reset();
    if (s->will()) {
        if (s->will()->delay.count() == 0 || s->expiry().count() == 0) {
            fire_will(w, *s);
        } else {
            auto id = s->id();
            auto epoch = s->epoch();
            d_.post_after(w, s->will()->delay, [this, w, id, epoch] {
                auto* cur = find(w, id);
                if (cur && cur->epoch() == epoch) fire_will(w, *cur);
            });
        }
    }
    if (s->expiry().count() == 0) {
        end_session(w, s->id());
        return;
    }
    if (s->durable_id() != 0) persist(*s, unix_ms_now());
    schedule_expiry(w, *s);
}

void broker::schedule_expiry(worker_id w, session& s, std::optional<std::chrono::milliseconds> after) {
    constexpr std::chrono::seconds never{0xFFFFFFFF};
    if (s.expiry() >= never) return;
    auto id = s.id();
    auto epoch = s.epoch();
    auto delay = after.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(s.expiry()));
    d_.post_after(w, delay, [this, w, id, epoch] {
        auto* cur = find(w, id);
        if (cur && cur->epoch() == epoch && !cur->attached()) end_session(w, id);
    });
}

void broker::fire_will(worker_id /*w*/, session& s) {
    if (!s.will()) return;
    auto msg = std::move(s.will()->msg);
    s.will().reset();
    RUNNEL_LOG_DEBUG(obs::broker_log(), "cid={} publishing will topic={}", s.client_id(), msg->topic);
    publish(core::message(*msg));
}

void broker::end_session(worker_id w, session_id id) {
    auto& ws = *workers_[w];
    auto it = ws.sessions.find(id);
    if (it == ws.sessions.end()) return;
    auto owned = std::move(it->second);
    ws.sessions.erase(it);
    if (owned->will()) fire_will(w, *owned);
    forget(*owned);
    for (const auto& [key, r] : owned->subscriptions()) unbind({w, id}, r);
    stats_.subscriptions.sub(static_cast<std::int64_t>(owned->subscriptions().size()));
    for (auto& o : owned->take_shared()) redeliver(o.msg, std::move(*o.shared), id, 0);
    for (auto v : owned->visited()) run_on(v, [this, v, id] { workers_[v]->moved.erase(id); });
    std::lock_guard lock(registry_mutex_);
    auto r = registry_.find(owned->client_id());
    if (r != registry_.end() && r->second.id == id) registry_.erase(r);
}

} // namespace runnel::broker
