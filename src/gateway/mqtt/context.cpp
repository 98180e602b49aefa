#include "runnel/gateway/mqtt/context.hpp"

namespace runnel::gateway::mqtt {

stats::stats(obs::registry& r)
    : connections(r.make_gauge("runnel_connections", "Connected clients", R"(protocol="mqtt")")),
      connections_total(r.make_counter("runnel_connections_total", "Clients connected since start", R"(protocol="mqtt")")),
      messages_in(r.make_counter("runnel_packets_received_total", "Packets received", R"(protocol="mqtt")")),
      messages_out(r.make_counter("runnel_messages_sent_total", "Messages sent to clients", R"(protocol="mqtt")")),
      bytes_in(r.make_counter("runnel_bytes_received_total", "Bytes received", R"(protocol="mqtt")")),
      bytes_out(r.make_counter("runnel_bytes_sent_total", "Bytes sent", R"(protocol="mqtt")")),
      protocol_errors(r.make_counter("runnel_protocol_errors_total", "Connections closed for protocol errors", R"(protocol="mqtt")")),
      auth_failures(r.make_counter("runnel_auth_failures_total", "Refused credentials", R"(protocol="mqtt")")),
      slow_consumers(r.make_counter("runnel_slow_consumers_total", "Connections cut for not reading", R"(protocol="mqtt")")),
      denied(r, "mqtt") {}

} // namespace runnel::gateway::mqtt
