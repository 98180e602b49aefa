// `runnel bench`: flags, validation, and the run.
#include "runnel/bench_tool/bench_command.hpp"

#include "runs.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace runnel::bench_tool {

const char* check_produce_flags(bench_options& o, bool qos_given) {
    if (o.mode != bench_mode::produce) return o.record.empty() ? nullptr : "--record needs the produce mode";
    if (o.transport == transport_kind::ws_json) return "produce speaks MQTT (tcp or ws-mqtt), not ws-json";
    if (qos_given && o.qos != 1) return "produce publishes at QoS 1 only";
    o.qos = 1;
    return nullptr;
}

void add_bench_command(CLI::App& app, bench_args& a) {
    auto* b = app.add_subcommand("bench", "Load generator: fanin, fanout, pairs, connections, produce (works with any MQTT broker)");
    b->add_option("mode", a.mode, "fanin (N publishers -> 1 topic), fanout (1 -> M subscribers), pairs (N topics), "
                                  "connections (broker memory per idle connection), produce (N QoS 1 publishers on "
                                  "PREFIX/p<i> that reconnect when the broker goes away; crash tests)")
        ->required()
        ->check(CLI::IsMember({"fanin", "fanout", "pairs", "connections", "produce"}));
    auto& o = a.o;
    b->add_option("--host", o.host, "broker host")->capture_default_str();
    b->add_option("--port", o.port, "broker port: MQTT, or the WebSocket listener's with --transport ws-*")->capture_default_str();
    b->add_option("--transport", a.transport, "tcp (MQTT over TCP), ws-mqtt (MQTT over WebSocket, subprotocol mqtt), "
                                              "ws-json (Runnel's JSON protocol over WebSocket, subprotocol runnel.json)")
        ->check(CLI::IsMember({"tcp", "ws-mqtt", "ws-json"}))
        ->capture_default_str();
    b->add_option("--ws-path", o.ws_path, "WebSocket path (default /mqtt for ws-mqtt, /ws for ws-json)");
    b->add_flag("--tls", o.tls, "connect with TLS (over WebSocket: wss)");
    b->add_option("--cafile", o.cafile, "CA (PEM) to verify the broker; without it TLS is not verified");
    b->add_option("--publishers", o.publishers, "publishers per topic (default: fanin 8, others 1); produce: publishers (default 4)");
    b->add_option("--subscribers", o.subscribers, "subscribers per topic (default: fanout 100, others 1)");
    b->add_option("--pairs", o.pairs, "topics in pairs mode")->capture_default_str();
    a.qos_option = b->add_option("--qos", a.qos, "0, 1 or 2 (produce: 1 only)")->check(CLI::Range(0, 2))->capture_default_str();
    b->add_option("--size", o.size, "payload bytes (at least 24)")->capture_default_str();
    b->add_option("--rate", o.rate, "messages/s over all publishers; 0 = as fast as flow control allows")->capture_default_str();
    b->add_option("--duration", a.duration, "publish phase, e.g. 10s, 500ms, 2m")->capture_default_str();
    b->add_option("--count", o.count, "messages per publisher (0 = until --duration ends)")->capture_default_str();
    b->add_option("--window", o.window, "per publisher: messages sent and not yet received by all its subscribers, at most (end-to-end flow control)")->capture_default_str();
    b->add_option("--inflight", o.inflight, "unacknowledged QoS 1/2 publishes per publisher (capped by the broker's Receive Maximum)")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str();
    b->add_option("--drain", a.drain, "how long to wait for deliveries after the publish phase, at most (and at most a fifth of it, "
                                      "but at least 1 s, without progress)")->capture_default_str();
    b->add_option("--connections", o.connections, "idle connections in connections mode")->capture_default_str();
    b->add_option("--pid", o.pid, "broker pid, to read its resident memory from /proc/PID/status");
    b->add_option("--mqtt-version", a.mqtt_version, "4 (3.1.1) or 5")->check(CLI::IsMember({4, 5}))->capture_default_str();
    b->add_option("--threads", o.threads, "client I/O threads")->check(CLI::Range(1, 64))->capture_default_str();
    b->add_option("--topic-prefix", o.topic_prefix, "topic prefix (default bench/<pid>)");
    b->add_flag("--json", o.json, "print one JSON object instead of the table");
    b->add_option("--record", o.record, "produce: write one JSON line per acknowledgement to FILE (truncated first): "
                                        "publisher, seq, topic, PUBACK reason code");
}

int run_bench(bench_args a) {
    auto& o = a.o;
    auto mode = parse_mode(a.mode);
    auto duration = parse_duration(a.duration);
    auto drain = parse_duration(a.drain);
    auto transport = parse_transport(a.transport);
    if (!mode || !duration || !drain || !transport) {
        std::cerr << "runnel bench: bad " << (!mode ? "mode" : !duration ? "--duration" : !drain ? "--drain" : "--transport") << "\n";
        return 2;
    }
    o.transport = *transport;
    o.mode = *mode;
    o.duration = *duration;
    o.drain = *drain;
    o.qos = static_cast<std::uint8_t>(a.qos);
    o.mqtt_version = static_cast<std::uint8_t>(a.mqtt_version);
    if (auto bad = check_produce_flags(o, a.qos_option && a.qos_option->count() > 0)) {
        std::cerr << "runnel bench: " << bad << "\n";
        return 2;
    }
    try {
        if (o.mode == bench_mode::produce) {
            auto r = run_produce(o);
            std::cout << (o.json ? format_json(r) + "\n" : format_table(r));
        } else if (o.mode == bench_mode::connections) {
            auto r = run_connections(o);
            std::cout << (o.json ? format_json(r) + "\n" : format_table(r));
        } else {
            auto r = run_traffic(o);
            std::cout << (o.json ? format_json(r) + "\n" : format_table(r));
        }
    } catch (const std::exception& e) {
        std::cerr << "runnel bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace runnel::bench_tool
