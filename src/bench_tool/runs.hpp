#pragma once
/// The kinds of bench run. Each builds its clients, drives them on io_threads and returns
/// the filled report. Both throw std::runtime_error when the broker cannot be reached.
#include "runnel/bench_tool/options.hpp"
#include "runnel/bench_tool/report.hpp"

namespace runnel::bench_tool {

/// fanin, fanout, pairs: connect subscribers, then publishers; publish for the duration (or
/// count); wait (bounded by --drain) for the deliveries to arrive; count and time them.
traffic_report run_traffic(const bench_options& o);

/// connections: broker RSS, open N idle connections, broker RSS again.
connections_report run_connections(const bench_options& o);

/// produce: connect the publishers (an error when one cannot), publish at QoS 1 for the
/// duration (or count), reconnecting through broker restarts, recording acknowledgements.
/// Throws std::runtime_error when the --record file cannot be opened or written.
produce_report run_produce(const bench_options& o);

} // namespace runnel::bench_tool
