#pragma once
/// What `runnel bench` was asked to do: the mode, where the broker is, the traffic shape and
/// the output format. A plain aggregate filled by the command line (bench_command.cpp), plus
/// the small parsers it needs.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::bench_tool {

/// produce: publishers only, each on its own topic, reconnecting when the broker goes away
/// (crash tests; see produce_run.cpp).
enum class bench_mode { fanin, fanout, pairs, connections, produce };

const char* to_string(bench_mode m) noexcept;
std::optional<bench_mode> parse_mode(std::string_view s) noexcept;

/// How the clients reach the broker: MQTT over TCP (TLS with --tls), MQTT over WebSocket
/// (subprotocol "mqtt"), or Runnel's JSON protocol over WebSocket (subprotocol "runnel.json").
enum class transport_kind { tcp, ws_mqtt, ws_json };

/// "tcp", "ws-mqtt", "ws-json" (the spelling of --transport).
const char* to_string(transport_kind t) noexcept;
std::optional<transport_kind> parse_transport(std::string_view s) noexcept;
/// The WebSocket path when --ws-path is not given: "/mqtt" for ws-mqtt, "/ws" for ws-json.
const char* default_ws_path(transport_kind t) noexcept;

struct bench_options {
    bench_mode mode = bench_mode::fanin;
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    bool tls = false;
    transport_kind transport = transport_kind::tcp;
    std::string ws_path;             // empty = default_ws_path(transport)
    std::string cafile;              // CA to verify the broker; empty = no verification
    std::size_t publishers = 0;      // per topic; 0 = the mode's default (fanin 8, produce 4, others 1)
    std::size_t subscribers = 0;     // per topic; 0 = the mode's default (fanout 100, others 1)
    std::size_t pairs = 100;         // topics in pairs mode
    std::uint8_t qos = 0;
    std::size_t size = 64;           // payload bytes (at least the 24-byte header)
    double rate = 0;                 // messages/s over all publishers; 0 = flow control only
    std::chrono::milliseconds duration{10'000};
    std::uint64_t count = 0;         // messages per publisher; 0 = until duration
    std::size_t window = 100;        // messages per publisher sent and not yet seen by all its subscribers
    std::uint16_t inflight = 64;     // QoS 1/2 unacknowledged per publisher (capped by v5 Receive Maximum)
    std::chrono::milliseconds drain{5'000};
    std::size_t connections = 1000;  // connections mode
    int pid = 0;                     // broker pid, for its resident memory (connections mode)
    std::uint8_t mqtt_version = 4;   // 4 = 3.1.1, 5 = 5.0
    unsigned threads = 1;            // client I/O threads
    std::string topic_prefix;        // empty = "bench/<pid>"
    bool json = false;
    std::string record;              // produce: one line per acknowledgement to this file; empty = none
};

/// Publishers and subscribers per topic and number of topics after applying mode defaults.
struct topology {
    std::size_t topics = 1;
    std::size_t publishers = 1; // per topic
    std::size_t subscribers = 1; // per topic
};
topology topology_of(const bench_options& o) noexcept;

/// "10s", "250ms", "2m", "1.5s", "3" (seconds) -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) noexcept;

/// The VmRSS line of a /proc/PID/status text, in bytes; nullopt when absent.
std::optional<std::int64_t> parse_vmrss(std::string_view status_text) noexcept;

} // namespace runnel::bench_tool
