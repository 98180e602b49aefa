#pragma once
/// A bench subscriber: subscribes to one topic, acknowledges QoS 1/2 deliveries, and for every
/// bench payload records the sequence number (per publisher) and the end-to-end latency. The
/// first arrival of a message releases one unit of its publisher's window. Over the JSON
/// protocol it subscribes with a request (id 1) and reads the payload of each message push
/// (deliveries there are QoS 0: the protocol has no acknowledgements for them).
/// Affinity: its client's executor; the results are read after the run.
#include "client.hpp"
#include "flow.hpp"
#include "runnel/bench_tool/latency_histogram.hpp"
#include "runnel/bench_tool/sequence_tracker.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace runnel::bench_tool {

class subscriber final : public client {
public:
    using clock = std::chrono::steady_clock;

    /// The publishers of `topic` are publishers first_publisher .. + flows.size() - 1 of the
    /// run; `flows[j]` is the flow of publisher first_publisher + j. `latency` is shared by
    /// the subscribers of one I/O thread (and used only on it).
    subscriber(boost::asio::io_context& io, client_config cfg, std::string topic, std::uint8_t qos,
               std::uint32_t first_publisher, std::vector<publisher_flow*> flows, run_totals& totals,
               latency_histogram& latency);

    /// SUBSCRIBE and wait for SUBACK, or the JSON subscribe request and its reply (up to
    /// `timeout`); an error when refused or not answered.
    boost::asio::awaitable<error_code> subscribe(std::chrono::milliseconds timeout);

    /// trackers()[j]: what arrived from publisher first_publisher + j.
    const std::vector<sequence_tracker>& trackers() const noexcept { return trackers_; }
    std::uint64_t foreign() const noexcept { return foreign_; }
    clock::time_point last_delivery() const noexcept { return last_delivery_; }

protected:
    void on_packet(wire::packet& p) override;
    void on_text(std::string_view frame) override;
    void on_closed() override;

private:
    void on_payload(std::string_view payload);

    std::string topic_;
    std::uint8_t qos_;
    std::uint32_t first_publisher_;
    std::vector<publisher_flow*> flows_;
    run_totals& totals_;
    std::vector<sequence_tracker> trackers_;
    latency_histogram& latency_;
    std::uint64_t foreign_ = 0;
    clock::time_point last_delivery_{};
    boost::asio::steady_timer suback_timer_;
    std::optional<std::uint8_t> granted_; // SUBACK's code once it arrived (JSON: 0 ok, 0x80 refused)
    std::string scratch_;                 // JSON: decoded base64 of the current push
};

} // namespace runnel::bench_tool
