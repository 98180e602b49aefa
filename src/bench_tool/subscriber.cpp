#include "subscriber.hpp"

#include "runnel/bench_tool/json_frames.hpp"
#include "runnel/bench_tool/payload.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace runnel::bench_tool {
namespace asio = boost::asio;

subscriber::subscriber(asio::io_context& io, client_config cfg, std::string topic, std::uint8_t qos,
                       std::uint32_t first_publisher, std::vector<publisher_flow*> flows, run_totals& totals,
                       latency_histogram& latency)
    : client(io, std::move(cfg)), topic_(std::move(topic)), qos_(qos), first_publisher_(first_publisher),
      flows_(std::move(flows)), totals_(totals), trackers_(flows_.size()), latency_(latency), suback_timer_(io) {}

asio::awaitable<client::error_code> subscriber::subscribe(std::chrono::milliseconds timeout) {
    if (json()) {
        send_text(subscribe_request(1, json_quoted(topic_)));
    } else {
        wire::subscribe s;
        s.packet_id = 1;
        s.subscriptions.push_back({topic_, qos_});
        send(s);
    }
    suback_timer_.expires_after(timeout);
    co_await suback_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!granted_) co_return make_error_code(boost::system::errc::timed_out);
    if (*granted_ >= 0x80) co_return make_error_code(boost::system::errc::permission_denied);
    co_return error_code{};
}

void subscriber::on_packet(wire::packet& p) {
    if (auto* pub = std::get_if<wire::publish>(&p)) {
        on_payload(pub->payload);
        if (pub->qos == 1) send(wire::puback{pub->packet_id, wire::reason::success, {}});
        else if (pub->qos == 2) send(wire::pubrec{pub->packet_id, wire::reason::success, {}});
    } else if (auto* rel = std::get_if<wire::pubrel>(&p)) {
        send(wire::pubcomp{rel->packet_id, wire::reason::success, {}});
    } else if (auto* ack = std::get_if<wire::suback>(&p)) {
        granted_ = ack->reason_codes.empty() ? std::uint8_t{0x80} : ack->reason_codes.front();
        suback_timer_.cancel();
    }
}

void subscriber::on_text(std::string_view frame) {
    auto f = scan_json_frame(frame);
    if (f.what == json_frame::kind::message) {
        auto payload = push_payload(f, payload_header_size, scratch_);
        if (payload) on_payload(*payload);
        else ++foreign_;
    } else if (f.what == json_frame::kind::reply && f.id == "1" && !granted_) {
        granted_ = f.ok ? std::uint8_t{0} : std::uint8_t{0x80};
        suback_timer_.cancel();
    }
}

void subscriber::on_payload(std::string_view payload) {
    auto now = clock::now();
    auto h = decode_payload(payload);
    // Unsigned wrap-around sends publishers below first_publisher_ out of range too.
    auto j = h ? static_cast<std::size_t>(h->publisher - first_publisher_) : flows_.size();
    if (j >= flows_.size()) {
        ++foreign_;
    } else {
        auto r = trackers_[j].record(h->seq);
        if (r != sequence_tracker::outcome::duplicate && r != sequence_tracker::outcome::out_of_range) {
            auto sent = clock::time_point(std::chrono::nanoseconds(h->sent_ns));
            auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count();
            latency_.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, ns)));
            last_delivery_ = now;
            totals_.delivered.fetch_add(1, std::memory_order_relaxed);
            flows_[j]->delivered();
        }
    }
}

void subscriber::on_closed() {
    suback_timer_.cancel();
}

} // namespace runnel::bench_tool
