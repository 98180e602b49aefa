// What the retention log keeps of the broker's own state: persistent sessions (written on
// subscribe, unsubscribe and disconnect, erased when they end) and the restore at start.
#include "broker_internal.hpp"

#include "runnel/core/topic.hpp"
#include "runnel/obs/log.hpp"

namespace runnel::broker {
namespace {

store::stored_subscription stored_of(const std::string& as_written, const sub_options& o) {
    return {as_written, o.qos, o.no_local, o.retain_as_published, o.with_cursor, o.sub_id, o.presence};
}

sub_record record_of(const store::stored_subscription& st) {
    sub_options o{st.qos, st.no_local, st.retain_as_published, st.sub_id, st.with_cursor, st.presence};
    if (auto s = core::parse_shared(st.filter); s && s->has_value()) return {(*s)->filter, (*s)->group, o};
    return {st.filter, std::string(), o};
}

} // namespace

bool broker::persist(session& s, std::int64_t disconnected_at_ms, std::function<void()> done) {
    if (!opts_.log || s.expiry().count() == 0) return false;
    if (s.durable_id() == 0) s.make_durable(next_durable_.fetch_add(1), opts_.log);
    store::session_record r;
    r.client_id = s.client_id();
    r.durable_id = s.durable_id();
    r.expiry_seconds = static_cast<std::uint32_t>(std::min<std::int64_t>(s.expiry().count(), 0xFFFFFFFF));
    r.disconnected_at_ms = disconnected_at_ms;
    for (const auto& [as_written, rec] : s.subscriptions()) r.subscriptions.push_back(stored_of(as_written, rec.opts));
    store::write_batch b;
    b.sessions_put.push_back(std::move(r));
    store::retention_log::done_fn durable;
    if (done) {
        auto w = reply_worker(d_.current());
        durable = [this, w, done = std::move(done)](boost::system::error_code) { d_.post(w, done); };
    }
    opts_.log->commit(std::move(b), {}, std::move(durable));
    return true;
}

void broker::forget(session& s) {
    if (!opts_.log || s.durable_id() == 0) return;
    store::write_batch b;
    b.sessions_erase.emplace_back(s.client_id(), s.durable_id());
    opts_.log->commit(std::move(b), {}, {});
}

void broker::restore(const store::snapshot& snap) {
    clock_.advance_to(snap.max_tt);
    start_tt_ = clock_.last();
    for (const auto& ch : snap.channels) {
        // Everything up to now is in the log only; the buffer fills from here.
        shards_[shard_of(ch.name)]->buffers.restore(ch.name, ch.epoch, ch.last_offset, start_tt_);
    }
    for (const auto& m : snap.retained) set_retained(*shards_[shard_of(m->topic)], m);
    auto now = d_.now();
    auto now_ms = unix_ms_now();
    for (const auto& e : snap.idempotency) {
        auto left = opts_.idempotency_window - std::chrono::milliseconds(now_ms - e.at_ms);
        if (left.count() <= 0) continue;
        auto& sh = *shards_[shard_of(e.channel)];
        auto key = e.channel + '\0' + e.key;
        sh.idem[key] = idem_entry{e.cur, now + left, true, {}};
        sh.idem_order.emplace_back(now + left, std::move(key));
    }
    next_durable_ = std::max<std::uint64_t>(next_durable_, snap.max_durable_id + 1);
    store::write_batch rewrite; // sessions that were connected at the crash: disconnected now
    std::size_t restored = 0;
    for (const auto& ls : snap.sessions) {
        const auto& rec = ls.record;
        auto since = rec.disconnected_at_ms != 0 ? rec.disconnected_at_ms : now_ms;
        auto left_ms = static_cast<std::int64_t>(rec.expiry_seconds) * 1000 - (now_ms - since);
        if (left_ms <= 0) {
            rewrite.sessions_erase.emplace_back(rec.client_id, rec.durable_id);
            continue;
        }
        auto w = static_cast<worker_id>(std::hash<std::string>{}(rec.client_id) % workers_.size());
        session_id id;
        {
            std::lock_guard lock(registry_mutex_);
            id = next_id_++;
            registry_[rec.client_id] = {w, id};
        }
        auto* s = create_session(w, id, rec.client_id);
        s->set_expiry(std::chrono::seconds(rec.expiry_seconds));
        s->make_durable(rec.durable_id, opts_.log);
        for (const auto& st : rec.subscriptions) {
            auto r = record_of(st);
            s->subscriptions().insert_or_assign(st.filter, r);
            stats_.subscriptions.add(1);
            bind({w, id}, r, rec.durable_id);
        }
        for (const auto& o : ls.owed) s->restore_owed(o);
        for (auto pid : ls.inbound_qos2) s->restore_inbound(pid);
        schedule_expiry(w, *s, std::chrono::milliseconds(left_ms));
        if (rec.disconnected_at_ms == 0) {
            auto r = rec;
            r.disconnected_at_ms = now_ms;
            rewrite.sessions_put.push_back(std::move(r));
        }
        ++restored;
    }
    if (opts_.log && !rewrite.empty()) opts_.log->commit(std::move(rewrite), {}, {});
    RUNNEL_LOG_INFO(obs::broker_log(), "restored {} channels, {} retained, {} sessions, {} idempotency keys",
                    snap.channels.size(), snap.retained.size(), restored, snap.idempotency.size());
}

} // namespace runnel::broker
