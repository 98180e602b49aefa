#pragma once
/// A bench publisher: sends numbered, timestamped messages to one topic as fast as its limits
/// allow: the end-to-end window (flow.hpp), the QoS 1/2 in-flight limit (acknowledgements
/// release it), the optional rate, and a bounded outbox. Messages are encoded in batches
/// straight into the client's outbox. Over the JSON protocol every publish is a request whose
/// id is its sequence number and whose reply is its acknowledgement, whatever the QoS; the
/// in-flight limit applies from QoS 1 on, as in MQTT.
/// Affinity: its client's executor; sent()/stalls()/finished() are read after the run.
#include "client.hpp"
#include "flow.hpp"
#include "runnel/bench_tool/sequence_tracker.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace runnel::bench_tool {

struct publisher_plan {
    std::uint32_t id = 0;        // in the payload; index of the publisher in the run
    std::string topic;
    std::uint8_t qos = 0;
    std::size_t size = 64;
    std::size_t fanout = 1;      // subscribers per message
    std::int64_t window = 1000;  // messages on their way, at most
    std::uint16_t inflight = 64; // unacknowledged QoS 1/2 publishes, at most
    double rate = 0;             // messages/s, 0 = unlimited
    std::uint64_t count = 0;     // 0 = until the end time
};

class publisher final : public client {
public:
    using clock = std::chrono::steady_clock;

    publisher(boost::asio::io_context& io, client_config cfg, publisher_plan plan, run_totals& totals);

    publisher_flow& flow() noexcept { return flow_; }
    /// Publishes from `start` (all publishers share it) until `end` or the count is reached.
    boost::asio::awaitable<void> run(clock::time_point start, clock::time_point end);

    std::uint64_t sent() const noexcept { return seq_; }
    std::uint64_t stalls() const noexcept { return stalls_; }
    /// Publishes never acknowledged (MQTT: QoS 1/2 only; JSON: every publish has a reply).
    std::uint64_t unacked() const noexcept { return json() ? seq_ - replies_.distinct() : inflight_; }
    /// Publishes the broker refused (PUBACK/PUBREC reason >= 0x80, JSON "ok":false).
    std::uint64_t refused() const noexcept { return refused_; }
    clock::time_point finished() const noexcept { return finished_; }

protected:
    void on_packet(wire::packet& p) override;
    void on_text(std::string_view frame) override;
    void on_closed() override;

private:
    enum class limit { none, window, inflight, rate, count };
    /// Messages that may go now (at most one batch) and, when none, what holds them back and
    /// until when (rate).
    std::size_t credit(clock::time_point now, limit& why, clock::time_point& retry) const;
    void publish_batch(std::size_t n);
    boost::asio::awaitable<void> block(limit why, clock::time_point until);
    std::uint16_t next_packet_id();
    void acked(std::uint16_t id);
    void encode_one();

    publisher_plan plan_;
    run_totals& totals_;
    publisher_flow flow_;
    wire::packet pkt_;
    boost::asio::steady_timer wake_;
    clock::time_point start_{};
    clock::time_point finished_{};
    std::uint64_t seq_ = 0;
    std::uint64_t stalls_ = 0;
    bool blocked_ = false; // waiting on wake_ in block()
    std::uint16_t inflight_limit_ = 1;
    std::uint16_t inflight_ = 0;
    std::uint16_t last_id_ = 0;
    std::vector<bool> id_used_;
    std::string channel_json_;        // JSON: the topic as a JSON string
    sequence_tracker replies_;        // JSON: which publishes (ids = sequence numbers) were answered
    std::uint64_t refused_ = 0;
};

} // namespace runnel::bench_tool
