// The write path of stored channels: a shard gathers the publishes it routed into one
// write_batch per turn of its worker, hands it to the retention log, delivers once the log has
// written it and acknowledges once it is durable. Also the idempotency window.
#include "broker_internal.hpp"

#include "runnel/obs/log.hpp"

namespace runnel::broker {

std::int64_t unix_ms_now() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool broker::stored(channel_buffer& ch, const std::string& name) {
    if (!opts_.log) return false;
    if (!ch.stored) ch.stored = opts_.retention_of(name).store;
    return *ch.stored;
}

std::uint64_t broker::horizon(const shard& sh) const noexcept {
    // Read the clock first: a message stamped after this read has a larger tt.
    auto last = clock_.last();
    auto first = sh.first_unreadable();
    return first == 0 ? last : std::min(last, first - 1);
}

void broker::set_retained(shard& sh, const core::message_ptr& m) {
    auto before = sh.retained.size();
    sh.retained.set(m);
    stats_.retained.add(static_cast<std::int64_t>(sh.retained.size()) - static_cast<std::int64_t>(before));
}

bool broker::answer_duplicate(shard& sh, const core::message& m, worker_id origin,
                              std::function<void(const publish_ack&)>& done) {
    auto now = d_.now();
    // Forget keys past the window (oldest first).
    while (!sh.idem_order.empty() && sh.idem_order.front().first <= now) {
        auto it = sh.idem.find(sh.idem_order.front().second);
        if (it != sh.idem.end() && it->second.until <= now && it->second.waiters.empty()) sh.idem.erase(it);
        sh.idem_order.pop_front();
    }
    auto it = sh.idem.find(m.topic + '\0' + m.idempotency_key);
    if (it == sh.idem.end()) return false;
    stats_.idempotent_hits.inc();
    auto& e = it->second;
    if (!done) return true;
    if (!e.durable) {
        e.waiters.emplace_back(reply_worker(origin), std::move(done));
        return true;
    }
    publish_ack ack{0, e.cur, {}, {}, true};
    run_on(reply_worker(origin), [done = std::move(done), ack] { done(ack); });
    return true;
}

void broker::remember_key(shard& sh, const core::message& m) {
    auto until = d_.now() + opts_.idempotency_window;
    auto key = m.topic + '\0' + m.idempotency_key;
    // Ephemeral channels (and nodes without a log) have nothing to wait for.
    bool durable = !opts_.log || !opts_.retention_of(m.topic).store;
    sh.idem[key] = idem_entry{m.cur, until, durable, {}};
    sh.idem_order.emplace_back(until, std::move(key));
}

void broker::flush(std::size_t k) {
    auto& sh = *shards_[k];
    sh.flush_posted = false;
    if (!sh.open) return;
    auto g = std::move(sh.open);
    auto b = std::move(sh.open_batch);
    sh.open_batch = store::write_batch{};
    // Each channel's newest position, once per batch.
    std::unordered_map<std::string_view, std::size_t> at;
    for (const auto& item : g->items) {
        const auto& m = *item.msg;
        store::channel_state st{m.topic, m.cur.epoch, m.cur.offset, m.cur.tt};
        auto [it, fresh] = at.try_emplace(m.topic, b.channels.size());
        if (fresh) b.channels.push_back(std::move(st));
        else b.channels[it->second] = std::move(st);
    }
    sh.unwritten.push_back(g);
    auto w = worker_of(k);
    opts_.log->commit(
        std::move(b),
        [this, w, k, g](boost::system::error_code ec) { d_.post(w, [this, k, g, ec] { on_written(k, g, ec); }); },
        [this, w, k, g](boost::system::error_code ec) { d_.post(w, [this, k, g, ec] { on_durable(k, g, ec); }); });
}

void broker::on_written(std::size_t k, std::shared_ptr<commit_group> g, boost::system::error_code ec) {
    auto& sh = *shards_[k];
    // The log answers in submission order.
    if (!sh.unwritten.empty() && sh.unwritten.front() == g) sh.unwritten.pop_front();
    else std::erase(sh.unwritten, g);
    for (const auto& item : g->items) sh.unwritten_bytes -= item.msg->payload.size() + item.msg->topic.size();
    auto fences = std::move(g->after_written);
    if (ec) { // nothing is delivered; on_durable answers the publishers
        for (auto& fn : fences) fn();
        return;
    }
    auto now = d_.now();
    for (auto& item : g->items) {
        core::message_ptr m = item.msg;
        sh.buffers.keep(sh.buffers.channel(m->topic), m, now);
        if (m->retain) set_retained(sh, m);
        for (worker_id w = 0; w < item.fanout.size(); ++w) {
            if (item.fanout[w]) run_on(w, [this, w, b = std::move(item.fanout[w])] { deliver_batch(w, b); });
        }
    }
    for (auto& fn : fences) fn();
}

void broker::on_durable(std::size_t k, std::shared_ptr<commit_group> g, boost::system::error_code ec) {
    auto& sh = *shards_[k];
    if (ec) {
        stats_.failed_storage.inc(g->items.size());
        RUNNEL_LOG_WARN(obs::broker_log(), "retention log write failed ({} publishes refused): {}", g->items.size(),
                        ec.message());
    }
    std::string reason = ec ? opts_.log->failure() : std::string();
    if (ec && reason.empty()) reason = ec.message();
    for (auto& item : g->items) {
        const auto& m = *item.msg;
        publish_ack ack{item.reached, m.cur, ec, reason, false};
        if (!m.idempotency_key.empty()) {
            auto it = sh.idem.find(m.topic + '\0' + m.idempotency_key);
            if (it != sh.idem.end() && it->second.cur == m.cur) {
                auto waiters = std::move(it->second.waiters);
                it->second.waiters.clear();
                it->second.durable = true;
                if (ec) sh.idem.erase(it); // a retry may try again
                for (auto& [w, fn] : waiters) {
                    publish_ack dup{0, m.cur, ec, reason, !ec};
                    run_on(w, [fn = std::move(fn), dup] { fn(dup); });
                }
            }
        }
        if (item.done) run_on(reply_worker(item.origin), [done = std::move(item.done), ack] { done(ack); });
    }
}

} // namespace runnel::broker
