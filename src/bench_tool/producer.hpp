#pragma once
/// A producer of `runnel bench produce`: one publisher that outlives its connections. It
/// publishes numbered bench payloads at QoS 1 to its own topic, and when the broker goes away
/// (a crash test kills it) it reconnects with exponential backoff and publishes every
/// unacknowledged message again, in order and with the same sequence number, before any new
/// one (inflight_ledger). Each acknowledgement is written to the recorder, if there is one,
/// before it counts.
///
/// Each connection is its own `link` (a bench client). A link's coroutines capture it, so the
/// producer keeps every link it made until the run ends (a handful per broker restart).
/// Affinity: every method runs on the executor of the io_context it was built on; the counters
/// are read after the run.
#include "client.hpp"
#include "runnel/bench_tool/ack_recorder.hpp"
#include "runnel/bench_tool/inflight_ledger.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace runnel::bench_tool {

struct producer_plan {
    std::uint32_t id = 0;        // in the payload and the record
    std::string topic;
    std::string client_id;       // the same on every connection (clean start each time)
    std::size_t size = 64;
    std::uint16_t inflight = 64; // unacknowledged publishes, at most
    double rate = 0;             // messages/s, 0 = as fast as acknowledgements come back
    std::uint64_t count = 0;     // 0 = until the end time
};

class producer {
public:
    using clock = std::chrono::steady_clock;

    producer(boost::asio::io_context& io, client_config cfg, producer_plan plan, ack_recorder* recorder);
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    boost::asio::any_io_executor executor() const { return executor_; }

    /// The first connection; an error when the broker cannot be reached at all.
    boost::asio::awaitable<client::error_code> connect();
    /// New messages from `start` until `end` or the count; then only what is unacknowledged,
    /// until it is or `give_up` passes. Reconnects as often as needed until then.
    boost::asio::awaitable<void> run(clock::time_point start, clock::time_point end, clock::time_point give_up);
    /// Sends DISCONNECT on the current connection.
    void disconnect();

    std::uint64_t published() const noexcept { return next_seq_; } // distinct messages
    std::uint64_t acked() const noexcept { return acked_; }
    std::uint64_t refused() const noexcept { return refused_; }
    std::uint64_t unacked() const noexcept { return ledger_.size() + resend_.size(); }
    std::uint64_t resent() const noexcept { return resent_; }
    std::uint64_t reconnects() const noexcept { return reconnects_; }
    std::uint64_t connect_failures() const noexcept { return connect_failures_; }
    bool record_failed() const noexcept { return record_failed_; }
    clock::time_point finished() const noexcept { return finished_; }

private:
    class link;
    friend class link;

    /// Publishes on the current link until it closes, the work is done, or `give_up`.
    boost::asio::awaitable<void> publish_on(link& l, clock::time_point end, clock::time_point give_up);
    /// Encodes up to one batch (resends first); returns how many.
    std::size_t send_batch(link& l, clock::time_point now, clock::time_point end, std::size_t limit);
    bool may_send_new(clock::time_point now, clock::time_point end) const;
    bool done(clock::time_point now, clock::time_point end) const;
    /// When the rate allows the next new message.
    clock::time_point next_due() const;
    void on_puback(std::uint16_t packet_id, std::uint8_t reason);
    void on_link_closed();
    boost::asio::awaitable<client::error_code> open_link();

    boost::asio::io_context& io_;
    boost::asio::any_io_executor executor_;
    client_config cfg_;
    producer_plan plan_;
    ack_recorder* recorder_;
    std::vector<std::unique_ptr<link>> links_; // back() is the current one
    inflight_ledger ledger_;
    std::deque<std::uint64_t> resend_; // ascending: unacknowledged when a connection ended
    boost::asio::steady_timer wake_;
    wire::packet pkt_; // the publish being encoded (topic set once, payload reused)
    clock::time_point start_{};
    clock::time_point finished_{};
    std::uint64_t next_seq_ = 0;
    std::uint64_t acked_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t resent_ = 0;
    std::uint64_t reconnects_ = 0;
    std::uint64_t connect_failures_ = 0;
    bool record_failed_ = false;
};

} // namespace runnel::bench_tool
