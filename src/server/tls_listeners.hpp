#pragma once
// The node's side of TLS listeners: their settings from the config and the TLS families on
// /metrics (reloads, failed handshakes).
#include "runnel/config/options.hpp"
#include "runnel/limits/stats.hpp"
#include "runnel/net/tls_server.hpp"
#include "runnel/obs/metrics.hpp"

namespace runnel::server {

net::tls_server_options tls_server_options(const config::tls_options& t);

/// runnel_tls_reloads_total{result} and runnel_tls_handshake_failures_total{reason}, made once
/// per node whether or not a listener uses TLS (so dashboards always find them).
struct tls_metrics {
    explicit tls_metrics(obs::registry& r);
    /// Where a listener's transports count their failed handshakes.
    net::tls_counters counters(limits::stats& limits) noexcept {
        return {&handshake_timeout, &handshake_error, &limits};
    }
    obs::counter& reload_ok;
    obs::counter& reload_error;
    obs::counter& handshake_timeout;
    obs::counter& handshake_error;
};

} // namespace runnel::server
