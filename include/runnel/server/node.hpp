#pragma once
/// One Runnel node: the composition root. Builds every module from the options, wires the
/// seams (dispatcher, session sinks, authenticator), opens the listeners and runs until
/// stopped. Used by `runnel serve` and, in-process on port 0, by the integration tests.
/// Affinity: construct, start, stop and the accessors on one controlling thread.
#include "runnel/config/options.hpp"
#include "runnel/store/retention_log.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runnel::server {

struct bound_listener {
    config::protocol proto;
    bool tls;
    std::string host;
    std::uint16_t port;
};

class node {
public:
    /// Opens the retention log (store.enabled) for the node; tests may wrap it.
    using log_factory = std::function<std::unique_ptr<store::retention_log>(store::log_options)>;

    /// Throws std::runtime_error (bind failures, unreadable certificates, a retention log that
    /// cannot be opened or is corrupt) naming the cause. `make_log` null = RocksDB.
    explicit node(config::options opts, log_factory make_log = {});
    ~node();
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    void start();
    /// Graceful stop: stop accepting, DISCONNECT 0x8B to v5 clients, flush within the grace
    /// period, then end the workers. Idempotent.
    void stop();

    /// Re-reads every TLS listener's certificate, key and CA (SIGHUP). A listener whose files
    /// load switches new handshakes to them; live connections are untouched. One that fails
    /// keeps its old certificate, logs the error naming the file and counts
    /// runnel_tls_reloads_total{result="error"}. Returns how many listeners failed.
    /// Safe while the node runs (the controlling thread, as for the other calls).
    std::size_t reload_tls();

    const std::vector<bound_listener>& listeners() const noexcept;
    /// Port of the first listener of that kind (0 when none).
    std::uint16_t port(config::protocol p, bool tls = false) const noexcept;
    /// Prometheus text of the node's metrics (what /metrics serves).
    std::string metrics_text() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace runnel::server
