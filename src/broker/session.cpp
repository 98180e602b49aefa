#include "runnel/broker/session.hpp"

#include "runnel/broker/stats.hpp"

#include <algorithm>

namespace runnel::broker {

session::session(session_id id, std::string client_id, session_limits lim, broker_stats* stats)
    : id_(id), client_id_(std::move(client_id)), limits_(lim), stats_(stats) {
    if (stats_) stats_->sessions.add(1);
}

session::~session() {
    if (!stats_) return;
    stats_->sessions.sub(1);
    stats_->queued.sub(static_cast<std::int64_t>(queue_.size()));
    stats_->inflight.sub(static_cast<std::int64_t>(inflight_.size()));
}

void session::attach(session_sink* sink, std::uint16_t client_receive_maximum) {
    sink_ = sink;
    window_ = std::max<std::uint16_t>(1, std::min(client_receive_maximum, limits_.max_inflight));
    // Resend everything unacknowledged with its original packet id (MQTT 4.4).
    for (auto& f : inflight_) {
        if (f.released) sink_->release(f.packet_id);
        else send(f, true);
    }
    pump(std::chrono::steady_clock::now());
}

void session::deliver(const core::message_ptr& msg, const std::vector<sub_options>& subs,
                      std::optional<shared_origin> shared, core::steady_time now, bool owed) {
    outgoing o{msg, 0, false, {}, std::move(shared), owed ? msg->cur.tt : 0, false};
    bool any = false;
    for (const auto& s : subs) {
        // No-local: never back to the publishing client (MQTT 3.8.3.1).
        if (s.no_local && msg->origin_client == client_id_) continue;
        any = true;
        o.qos = std::max(o.qos, std::min(s.qos, msg->qos));
        o.retain = o.retain || (s.retain_as_published && msg->retain);
        o.with_cursor = o.with_cursor || s.with_cursor;
        if (s.sub_id != 0) o.sub_ids.push_back(s.sub_id);
    }
    if (!any) return journal_erase(o);
    if (msg->expires_at && *msg->expires_at <= now) {
        if (stats_) stats_->dropped_expired.inc();
        return journal_erase(o);
    }
    if (o.qos == 0) {
        journal_erase(o);
        if (sink_ && sink_->deliver(delivery{msg, 0, o.retain, 0, false, std::move(o.sub_ids), o.with_cursor})) {
            if (stats_) stats_->delivered.inc();
        } else if (stats_) {
            stats_->dropped_qos0.inc();
        }
        return;
    }
    enqueue(std::move(o), now);
}

void session::deliver_retained(const core::message_ptr& msg, const sub_options& opts, core::steady_time now) {
    outgoing o{msg, std::min(opts.qos, msg->qos), true, {}, std::nullopt, 0, opts.with_cursor};
    if (opts.sub_id != 0) o.sub_ids.push_back(opts.sub_id);
    if (o.qos == 0) {
        if (sink_ && sink_->deliver(delivery{msg, 0, true, 0, false, std::move(o.sub_ids), o.with_cursor})) {
            if (stats_) stats_->delivered.inc();
        } else if (stats_) {
            stats_->dropped_qos0.inc();
        }
        return;
    }
    enqueue(std::move(o), now);
}

void session::enqueue(outgoing o, core::steady_time now) {
    auto size = o.msg->payload.size() + o.msg->topic.size();
    if (queue_.size() >= limits_.max_queued_messages || queued_bytes_ + size > limits_.max_queued_bytes) {
        // Full: refuse the newest (Mosquitto's policy); the count tells operators.
        if (stats_) stats_->dropped_queue_full.inc();
        return journal_erase(o);
    }
    queued_bytes_ += size;
    queue_.push_back(std::move(o));
    if (stats_) stats_->queued.add(1);
    pump(now);
}

void session::drop_queued_front() {
    queued_bytes_ -= queue_.front().msg->payload.size() + queue_.front().msg->topic.size();
    if (stats_) stats_->queued.sub(1);
}

void session::pump(core::steady_time now) {
    while (sink_ && inflight_.size() < window_ && !queue_.empty()) {
        drop_queued_front(); // accounts for the front entry, which is moved out next
        auto o = std::move(queue_.front());
        queue_.pop_front();
        if (o.msg->expires_at && *o.msg->expires_at <= now) {
            if (stats_) stats_->dropped_expired.inc();
            journal_erase(o);
            continue;
        }
        inflight_.push_back({next_packet_id(), false, std::move(o)});
        if (stats_) stats_->inflight.add(1);
        journal_put(inflight_.back());
        send(inflight_.back(), false);
    }
}

void session::send(in_flight& f, bool dup) {
    if (sink_->deliver(delivery{f.out.msg, f.out.qos, f.out.retain, f.packet_id, dup, f.out.sub_ids, f.out.with_cursor})) {
        if (stats_ && !dup) stats_->delivered.inc();
    }
}

std::uint16_t session::next_packet_id() {
    // In-flight ids are at most `window_` (<= 65535), so a free one always exists.
    for (;;) {
        if (++last_packet_id_ == 0) last_packet_id_ = 1;
        auto used = std::any_of(inflight_.begin(), inflight_.end(),
                                [&](const in_flight& f) { return f.packet_id == last_packet_id_; });
        if (!used) return last_packet_id_;
    }
}

bool session::erase_inflight(std::uint16_t id, std::uint8_t qos, bool released) {
    auto it = std::find_if(inflight_.begin(), inflight_.end(), [&](const in_flight& f) {
        return f.packet_id == id && f.out.qos == qos && f.released == released;
    });
    if (it == inflight_.end()) return false;
    journal_erase(it->out);
    inflight_.erase(it);
    if (stats_) stats_->inflight.sub(1);
    pump(std::chrono::steady_clock::now());
    return true;
}

bool session::on_puback(std::uint16_t id) { return erase_inflight(id, 1, false); }
bool session::on_pubcomp(std::uint16_t id) { return erase_inflight(id, 2, true); }

bool session::on_pubrec(std::uint16_t id) {
    auto it = std::find_if(inflight_.begin(), inflight_.end(),
                           [&](const in_flight& f) { return f.packet_id == id && f.out.qos == 2; });
    if (it == inflight_.end()) return false;
    // The client has the message; only the id matters from now on.
    it->released = true;
    journal_put(*it); // before the message goes: the log keeps the tt that names it
    it->out.msg.reset();
    it->out.shared.reset();
    return true;
}

bool session::inbound_qos2_begin(std::uint16_t id) {
    if (std::find(inbound_qos2_.begin(), inbound_qos2_.end(), id) != inbound_qos2_.end()) return false;
    inbound_qos2_.push_back(id);
    if (log_) {
        store::write_batch b;
        b.inbound_put.emplace_back(durable_id_, id);
        log_->commit(std::move(b), {}, {});
    }
    return true;
}

bool session::inbound_qos2_release(std::uint16_t id) {
    auto it = std::find(inbound_qos2_.begin(), inbound_qos2_.end(), id);
    if (it == inbound_qos2_.end()) return false;
    inbound_qos2_.erase(it);
    if (log_) {
        store::write_batch b;
        b.inbound_erase.emplace_back(durable_id_, id);
        log_->commit(std::move(b), {}, {});
    }
    return true;
}

void session::journal_put(const in_flight& f) {
    if (!log_ || f.out.owed_tt == 0) return;
    store::write_batch b;
    store::owed_message o{durable_id_, f.out.owed_tt, f.released ? nullptr : f.out.msg, f.out.qos, f.out.retain,
                          f.out.sub_ids, f.packet_id, f.released};
    b.owed_put.push_back(std::move(o));
    log_->commit(std::move(b), {}, {});
}

void session::journal_erase(const outgoing& o) {
    if (!log_ || o.owed_tt == 0) return;
    store::write_batch b;
    b.owed_erase.emplace_back(durable_id_, o.owed_tt);
    log_->commit(std::move(b), {}, {});
}

void session::restore_owed(const store::owed_message& o) {
    outgoing out{o.msg, o.qos, o.retain, o.sub_ids, std::nullopt, o.tt, false};
    if (o.packet_id == 0) {
        if (!o.msg) return;
        queued_bytes_ += o.msg->payload.size() + o.msg->topic.size();
        queue_.push_back(std::move(out));
        if (stats_) stats_->queued.add(1);
        return;
    }
    inflight_.push_back({o.packet_id, o.released, std::move(out)});
    if (stats_) stats_->inflight.add(1);
    last_packet_id_ = std::max(last_packet_id_, o.packet_id);
}

std::vector<outgoing> session::take_shared() {
    std::vector<outgoing> out;
    for (auto it = inflight_.begin(); it != inflight_.end();) {
        if (it->out.shared && !it->released) {
            journal_erase(it->out);
            out.push_back(std::move(it->out));
            it = inflight_.erase(it);
            if (stats_) stats_->inflight.sub(1);
        } else {
            ++it;
        }
    }
    for (auto it = queue_.begin(); it != queue_.end();) {
        if (it->shared) {
            journal_erase(*it);
            queued_bytes_ -= it->msg->payload.size() + it->msg->topic.size();
            out.push_back(std::move(*it));
            it = queue_.erase(it);
            if (stats_) stats_->queued.sub(1);
        } else {
            ++it;
        }
    }
    return out;
}

} // namespace runnel::broker
