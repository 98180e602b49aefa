// `runnel serve`: load the config, start a node, stop gracefully on SIGINT/SIGTERM, reload the
// TLS certificates on SIGHUP.
#include "runnel/server/serve.hpp"

#include "runnel/config/load.hpp"
#include "runnel/obs/log.hpp"
#include "runnel/server/node.hpp"
#include "runnel/server/version.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

namespace runnel::server {
namespace {

/// Each SIGHUP reloads every TLS listener's files; the set waits again for the next one.
void on_hangup(boost::asio::signal_set& hup, node& n) {
    hup.async_wait([&hup, &n](const boost::system::error_code& ec, int) {
        if (ec) return; // cancelled at shutdown
        RUNNEL_LOG_INFO(obs::server_log(), "SIGHUP: reloading TLS certificates");
        n.reload_tls();
        on_hangup(hup, n);
    });
}

} // namespace

void add_serve_command(CLI::App& app, serve_args& a) {
    auto* s = app.add_subcommand("serve", "Run a node");
    s->add_option("-c,--config", a.config_file, "YAML config file (default: the embedded defaults)");
    s->add_option("--data-dir", a.o.data_dir, "node.data_dir");
    s->add_option("--node-name", a.o.node_name, "node.name");
    s->add_option("--workers", a.o.workers, "node.workers (0 = one per core)");
    s->add_option("--mqtt", a.o.mqtt, "MQTT listener address host:port (replaces the configured ones)");
    s->add_option("--mqtt-tls", a.o.mqtt_tls, "MQTT over TLS listener address");
    s->add_option("--http", a.o.http, "HTTP/WebSocket listener address");
    s->add_option("--https", a.o.https, "HTTPS/WebSocket-over-TLS listener address");
    s->add_option("--admin", a.o.admin, "admin listener (/metrics, /healthz) address");
    s->add_option("--tls-cert", a.o.tls_cert, "certificate (PEM) for --mqtt-tls/--https");
    s->add_option("--tls-key", a.o.tls_key, "private key (PEM) for --mqtt-tls/--https");
    s->add_option("--set", a.o.sets, "KEY=VALUE: set any config key, e.g. --set mqtt.max_packet_size=2MiB");
    s->add_flag("--print-config", a.print_config, "print the effective config and exit");
}

int run_serve(const serve_args& a) {
    config::options opts;
    try {
        opts = config::load(a.config_file, a.o);
    } catch (const config::config_error& e) {
        std::cerr << "runnel: config error: " << e.what() << "\n";
        return 2;
    }
    if (a.print_config) {
        std::cout << config::to_yaml(opts);
        return 0;
    }
    obs::init_logging(opts.log.level, opts.log.format);
    std::unique_ptr<node> n;
    try {
        n = std::make_unique<node>(opts);
    } catch (const std::exception& e) {
        RUNNEL_LOG_ERROR(obs::server_log(), "cannot start: {}", e.what());
        return 1;
    }
    RUNNEL_LOG_INFO(obs::server_log(), "runnel {} node={} region={}", version(), opts.node.name, opts.node.region);
    n->start();
    boost::asio::io_context main_ctx;
    boost::asio::signal_set signals(main_ctx, SIGINT, SIGTERM);
    boost::asio::signal_set hup(main_ctx, SIGHUP);
    on_hangup(hup, *n);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        RUNNEL_LOG_INFO(obs::server_log(), "signal {}: shutting down", sig);
        hup.cancel(); // lets main_ctx.run() return
    });
    main_ctx.run();
    n->stop();
    return 0;
}

} // namespace runnel::server
