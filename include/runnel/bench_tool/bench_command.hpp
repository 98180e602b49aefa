#pragma once
/// The `runnel bench` subcommand: a load generator against any MQTT broker, over TCP/TLS or
/// WebSocket, and against Runnel's JSON protocol over WebSocket (fanin, fanout, pairs,
/// connections, produce). Registers its flags on the application and runs once parsed.
#include "runnel/bench_tool/options.hpp"

#include <string>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace runnel::bench_tool {

struct bench_args {
    std::string mode;
    std::string duration = "10s";
    std::string drain = "5s";
    std::string transport = "tcp";
    unsigned qos = 0;
    unsigned mqtt_version = 4;
    CLI::Option* qos_option = nullptr; // to tell a given --qos from the default
    bench_options o;
};

/// The produce mode's rules (MQTT only, QoS 1; --record only there). Sets o.qos to 1 for
/// produce; returns what is wrong, or null.
const char* check_produce_flags(bench_options& o, bool qos_given);

void add_bench_command(CLI::App& app, bench_args& a);
/// Exit code: 0 when the run completed, 1 when it could not connect or measure, 2 for bad flags.
int run_bench(bench_args a);

} // namespace runnel::bench_tool
