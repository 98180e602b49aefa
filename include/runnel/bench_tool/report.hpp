#pragma once
/// Results of a bench run and their two renderings: a human-readable table and one JSON
/// object (`--json`). Pure formatting; the runners fill these structs.
#include "runnel/bench_tool/latency_histogram.hpp"

#include <cstdint>
#include <string>

namespace runnel::bench_tool {

struct traffic_report {
    std::string mode;
    std::string transport = "tcp"; // tcp, ws-mqtt, ws-json
    unsigned qos = 0;
    std::size_t size = 0;
    std::size_t topics = 0;
    std::size_t publishers = 0;  // in total
    std::size_t subscribers = 0; // in total
    double publish_seconds = 0;  // publish phase: first send to last send
    double deliver_seconds = 0;  // first send to last delivery
    std::uint64_t published = 0;
    std::uint64_t expected = 0;  // deliveries the published messages should make
    std::uint64_t delivered = 0; // distinct deliveries (duplicates not counted)
    std::uint64_t lost = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::uint64_t unacked = 0;   // QoS 1/2 publishes (JSON: any publish) never acknowledged
    std::uint64_t refused = 0;   // publishes the broker refused (reason >= 0x80, JSON "ok":false)
    std::uint64_t foreign = 0;   // messages that were not bench payloads
    std::uint64_t stalls = 0;    // flow-control windows written off after a stall (QoS 0 loss)
    std::uint64_t connect_failures = 0;
    latency_histogram latency;   // nanoseconds

    double published_per_s() const noexcept { return publish_seconds > 0 ? published / publish_seconds : 0; }
    double delivered_per_s() const noexcept { return deliver_seconds > 0 ? delivered / deliver_seconds : 0; }
};

struct connections_report {
    std::size_t requested = 0;
    std::size_t connected = 0;
    std::size_t failed = 0;
    double connect_seconds = 0;
    int pid = 0;
    std::int64_t rss_before = -1; // bytes; -1 = unknown (no --pid)
    std::int64_t rss_after = -1;

    /// Broker memory growth per connected client; negative when unknown.
    double bytes_per_connection() const noexcept {
        if (rss_before < 0 || rss_after < 0 || connected == 0) return -1;
        return static_cast<double>(rss_after - rss_before) / static_cast<double>(connected);
    }
};

/// produce: publishers that reconnect when the broker goes away (crash tests).
struct produce_report {
    std::size_t publishers = 0;
    std::size_t size = 0;
    double seconds = 0;              // first send to the last publisher's end
    std::uint64_t published = 0;     // distinct messages (sequence numbers) sent at least once
    std::uint64_t acked = 0;         // acknowledged with a success reason code
    std::uint64_t refused = 0;       // acknowledged with a reason code >= 0x80
    std::uint64_t unacked = 0;       // never acknowledged (the run ended first)
    std::uint64_t resent = 0;        // publishes sent again after a reconnect
    std::uint64_t reconnects = 0;    // connections after the first, over all publishers
    std::uint64_t connect_failures = 0; // reconnect attempts that failed
    std::string record;              // the --record file, if any

    double acked_per_s() const noexcept { return seconds > 0 ? acked / seconds : 0; }
};

std::string format_table(const traffic_report& r);
std::string format_json(const traffic_report& r);
std::string format_table(const connections_report& r);
std::string format_json(const connections_report& r);
std::string format_table(const produce_report& r);
std::string format_json(const produce_report& r);

} // namespace runnel::bench_tool
