#include "producer.hpp"

#include "runnel/bench_tool/payload.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Reconnect backoff: a restarting broker is usually back within a second.
constexpr auto backoff_min = std::chrono::milliseconds(50);
constexpr auto backoff_max = std::chrono::milliseconds(500);
} // namespace

/// One connection of the producer. Acknowledgements and the close go to the producer, only
/// from the current link (an old link is closed before the next one opens).
class producer::link final : public client {
public:
    link(asio::io_context& io, client_config cfg, producer& owner) : client(io, std::move(cfg)), owner_(owner) {}

protected:
    void on_packet(wire::packet& p) override {
        auto* a = std::get_if<wire::puback>(&p);
        if (a && owner_.links_.back().get() == this) owner_.on_puback(a->packet_id, a->reason_code);
    }
    void on_closed() override {
        if (owner_.links_.back().get() == this) owner_.on_link_closed();
    }

private:
    producer& owner_;
};

producer::producer(asio::io_context& io, client_config cfg, producer_plan plan, ack_recorder* recorder)
    : io_(io), executor_(io.get_executor()), cfg_(std::move(cfg)), plan_(std::move(plan)), recorder_(recorder), wake_(io) {
    plan_.inflight = std::max<std::uint16_t>(1, std::min<std::uint16_t>(plan_.inflight, 65535));
    wire::publish p;
    p.topic = plan_.topic;
    p.qos = 1;
    pkt_ = std::move(p);
}

producer::~producer() = default;

asio::awaitable<client::error_code> producer::open_link() {
    links_.push_back(std::make_unique<link>(io_, cfg_, *this));
    co_return co_await links_.back()->connect(plan_.client_id);
}

asio::awaitable<client::error_code> producer::connect() {
    co_return co_await open_link();
}

void producer::disconnect() {
    if (!links_.empty()) links_.back()->disconnect();
}

bool producer::may_send_new(clock::time_point now, clock::time_point end) const {
    if (now >= end || (plan_.count && next_seq_ >= plan_.count)) return false;
    return plan_.rate <= 0 || now >= next_due();
}

producer::clock::time_point producer::next_due() const {
    auto offset = std::chrono::duration<double>(static_cast<double>(next_seq_) / plan_.rate);
    return start_ + std::chrono::duration_cast<clock::duration>(offset);
}

bool producer::done(clock::time_point now, clock::time_point end) const {
    bool no_new = now >= end || (plan_.count && next_seq_ >= plan_.count);
    return no_new && ledger_.empty() && resend_.empty();
}

asio::awaitable<void> producer::run(clock::time_point start, clock::time_point end, clock::time_point give_up) {
    start_ = start;
    if (clock::now() < start) {
        wake_.expires_at(start);
        co_await wake_.async_wait(use_tuple);
    }
    auto backoff = backoff_min;
    while (!record_failed_ && !done(clock::now(), end) && clock::now() < give_up) {
        if (links_.back()->is_open()) {
            co_await publish_on(*links_.back(), end, give_up);
            continue;
        }
        // The broker went away: everything unacknowledged goes out again, in order.
        wake_.expires_after(backoff);
        co_await wake_.async_wait(use_tuple);
        backoff = std::min(backoff * 2, backoff_max);
        if (clock::now() >= give_up) break;
        if (co_await open_link()) {
            ++connect_failures_;
            continue;
        }
        ++reconnects_;
        backoff = backoff_min;
    }
    finished_ = clock::now();
}

asio::awaitable<void> producer::publish_on(link& l, clock::time_point end, clock::time_point give_up) {
    auto limit = static_cast<std::size_t>(std::min(plan_.inflight, l.server_receive_maximum()));
    while (l.is_open() && !record_failed_) {
        auto now = clock::now();
        if (done(now, end) || now >= give_up) co_return;
        if (send_batch(l, now, end, limit) > 0) {
            l.flush();
            if (l.outbox().size() >= outbox_high) co_await l.wait_room(outbox_low);
            continue;
        }
        // Nothing may go now: wait for an acknowledgement (or the close), the rate, the end.
        auto until = give_up;
        if (now < end && !(plan_.count && next_seq_ >= plan_.count)) {
            until = std::min(until, end);
            if (plan_.rate > 0 && ledger_.size() < limit) until = std::min(until, next_due());
        }
        wake_.expires_at(until);
        co_await wake_.async_wait(use_tuple);
    }
}

std::size_t producer::send_batch(link& l, clock::time_point now, clock::time_point end, std::size_t limit) {
    auto& p = std::get<wire::publish>(pkt_);
    std::size_t n = 0;
    while (n < encode_batch && ledger_.size() < limit) {
        std::uint64_t seq = 0;
        if (!resend_.empty()) {
            seq = resend_.front();
            resend_.pop_front();
            p.dup = true;
            ++resent_;
        } else if (may_send_new(now, end)) {
            seq = next_seq_++;
            p.dup = false;
        } else {
            break;
        }
        encode_payload({plan_.id, seq, steady_ns(now)}, plan_.size, p.payload);
        p.packet_id = ledger_.sent(seq);
        wire::encode(pkt_, l.version(), l.outbox());
        ++n;
    }
    return n;
}

void producer::on_puback(std::uint16_t packet_id, std::uint8_t reason) {
    auto seq = ledger_.acked(packet_id);
    if (!seq) return;
    if (recorder_ && !recorder_->record(plan_.id, *seq, plan_.topic, reason)) {
        record_failed_ = true;
        links_.back()->close();
    }
    if (reason >= 0x80) ++refused_;
    else ++acked_;
    wake_.cancel();
}

void producer::on_link_closed() {
    // What was in flight joins the resends not yet sent again, in one ascending queue.
    auto lost = ledger_.connection_lost();
    resend_.insert(resend_.end(), lost.begin(), lost.end());
    std::sort(resend_.begin(), resend_.end());
    wake_.cancel();
}

} // namespace runnel::bench_tool
