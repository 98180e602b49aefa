#include "publisher.hpp"

#include "runnel/bench_tool/json_frames.hpp"
#include "runnel/bench_tool/payload.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// No delivery at all for this long while the window is full: the broker dropped messages
// (QoS 0 under overload); write the window off so the run goes on, and count it.
constexpr auto stall_timeout = std::chrono::seconds(1);
} // namespace

publisher::publisher(asio::io_context& io, client_config cfg, publisher_plan plan, run_totals& totals)
    : client(io, std::move(cfg)), plan_(std::move(plan)), totals_(totals), wake_(io), id_used_(65536, false),
      channel_json_(json_quoted(plan_.topic)) {
    wire::publish p;
    p.topic = plan_.topic;
    p.qos = plan_.qos;
    pkt_ = std::move(p);
    plan_.fanout = std::max<std::size_t>(1, plan_.fanout);
    plan_.window = std::max<std::int64_t>(1, plan_.window);
    auto full = plan_.window * static_cast<std::int64_t>(plan_.fanout);
    flow_.resume_at = full - std::max<std::int64_t>(static_cast<std::int64_t>(plan_.fanout), full / 2);
    flow_.executor = executor();
    flow_.wake = [this] {
        if (blocked_) wake_.cancel();
    };
}

std::size_t publisher::credit(clock::time_point now, limit& why, clock::time_point& retry) const {
    std::size_t n = encode_batch;
    auto cap = [&](std::uint64_t allowed, limit reason) {
        if (allowed < n) {
            n = static_cast<std::size_t>(allowed);
            why = reason;
        }
    };
    why = limit::none;
    if (plan_.count) cap(plan_.count - seq_, limit::count);
    if (plan_.qos > 0) {
        auto in_flight = unacked();
        cap(in_flight < inflight_limit_ ? inflight_limit_ - in_flight : 0, limit::inflight);
    }
    auto fanout = static_cast<std::int64_t>(plan_.fanout);
    auto room = (plan_.window * fanout - flow_.outstanding.load(std::memory_order_acquire)) / fanout;
    cap(room > 0 ? static_cast<std::uint64_t>(room) : 0, limit::window);
    if (plan_.rate > 0) {
        double elapsed = std::chrono::duration<double>(now - start_).count();
        auto due = static_cast<std::uint64_t>(std::floor(elapsed * plan_.rate)) + 1;
        cap(due > seq_ ? due - seq_ : 0, limit::rate);
        if (n == 0 && why == limit::rate) {
            retry = start_ + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(static_cast<double>(seq_) / plan_.rate));
        }
    }
    return n;
}

asio::awaitable<void> publisher::run(clock::time_point start, clock::time_point end) {
    start_ = start;
    inflight_limit_ = std::max<std::uint16_t>(1, std::min(plan_.inflight, server_receive_maximum()));
    if (clock::now() < start) {
        wake_.expires_at(start);
        co_await wake_.async_wait(use_tuple);
    }
    while (is_open()) {
        auto now = clock::now();
        if (now >= end) break;
        limit why{};
        clock::time_point retry = end;
        auto n = credit(now, why, retry);
        if (n > 0) {
            publish_batch(n);
            if (outbox().size() >= outbox_high) co_await wait_room(outbox_low);
            continue;
        }
        if (why == limit::count) break;
        co_await block(why, std::min(retry, end));
    }
    finished_ = clock::now();
}

asio::awaitable<void> publisher::block(limit why, clock::time_point until) {
    bool stall_check = false; // this wait ends at the stall timeout (not the end or the rate)
    if (why == limit::window) {
        // Publish the flag first, then look again: a delivery in between is not missed.
        flow_.waiting.store(true, std::memory_order_release);
        limit again{};
        clock::time_point unused{};
        if (credit(clock::now(), again, unused) > 0) {
            flow_.waiting.store(false, std::memory_order_release);
            co_return;
        }
        auto stall_at = clock::now() + stall_timeout;
        stall_check = stall_at <= until;
        until = std::min(until, stall_at);
    }
    auto before = flow_.outstanding.load(std::memory_order_acquire);
    wake_.expires_at(until);
    blocked_ = true;
    auto [ec] = co_await wake_.async_wait(use_tuple);
    blocked_ = false;
    flow_.waiting.store(false, std::memory_order_release);
    // Timed out (not woken) with not a single delivery meanwhile: a stall.
    if (!ec && stall_check && flow_.outstanding.load(std::memory_order_acquire) == before) {
        ++stalls_;
        flow_.outstanding.fetch_sub(before, std::memory_order_acq_rel);
    }
}

void publisher::publish_batch(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) encode_one();
    flow_.outstanding.fetch_add(static_cast<std::int64_t>(n * plan_.fanout), std::memory_order_acq_rel);
    flush();
}

void publisher::encode_one() {
    auto& p = std::get<wire::publish>(pkt_);
    encode_payload({plan_.id, seq_, steady_ns(clock::now())}, plan_.size, p.payload);
    if (json()) {
        append_publish_request(outbox(), seq_, channel_json_, plan_.qos, p.payload);
        end_frame();
        totals_.unacked.fetch_add(1, std::memory_order_relaxed);
    } else {
        if (plan_.qos > 0) {
            p.packet_id = next_packet_id();
            ++inflight_;
            totals_.unacked.fetch_add(1, std::memory_order_relaxed);
        }
        wire::encode(pkt_, version(), outbox());
    }
    ++seq_;
}

std::uint16_t publisher::next_packet_id() {
    // At most inflight_limit_ (< 65535) ids are in use, so a free one exists.
    do {
        if (++last_id_ == 0) last_id_ = 1;
    } while (id_used_[last_id_]);
    id_used_[last_id_] = true;
    return last_id_;
}

void publisher::acked(std::uint16_t id) {
    if (!id_used_[id]) return;
    id_used_[id] = false;
    --inflight_;
    totals_.unacked.fetch_sub(1, std::memory_order_relaxed);
    if (blocked_) wake_.cancel();
}

void publisher::on_packet(wire::packet& p) {
    if (auto* a = std::get_if<wire::puback>(&p)) {
        if (a->reason_code >= 0x80) ++refused_;
        acked(a->packet_id);
    } else if (auto* r = std::get_if<wire::pubrec>(&p)) {
        if (r->reason_code >= 0x80) {
            ++refused_;
            acked(r->packet_id); // the flow ends here
        } else {
            send(wire::pubrel{r->packet_id, wire::reason::success, {}});
        }
    } else if (auto* c = std::get_if<wire::pubcomp>(&p)) {
        acked(c->packet_id);
    }
}

void publisher::on_text(std::string_view frame) {
    auto f = scan_json_frame(frame);
    if (f.what != json_frame::kind::reply) return;
    auto id = id_number(f.id);
    // Only the first reply to a publish this client sent counts.
    if (!id || *id >= seq_) return;
    auto r = replies_.record(*id);
    if (r == sequence_tracker::outcome::duplicate || r == sequence_tracker::outcome::out_of_range) return;
    if (!f.ok) ++refused_;
    totals_.unacked.fetch_sub(1, std::memory_order_relaxed);
    if (blocked_) wake_.cancel();
}

void publisher::on_closed() {
    wake_.cancel(); // also ends the wait for the start time
}

} // namespace runnel::bench_tool
