#include "tls_listeners.hpp"

namespace runnel::server {

net::tls_server_options tls_server_options(const config::tls_options& t) {
    net::tls_server_options s;
    s.files = {t.cert, t.key, t.ca, t.require_client_cert, t.min_version};
    // Validated to none|cn|dn.
    s.identity = t.identity == "cn" ? net::identity_mode::cn
               : t.identity == "dn" ? net::identity_mode::dn : net::identity_mode::none;
    s.handshake_timeout = t.handshake_timeout;
    return s;
}

namespace {
constexpr const char* reloads_help = "TLS certificate reloads (SIGHUP), once per TLS listener";
constexpr const char* failures_help = "TLS handshakes that failed, or did not finish within tls.handshake_timeout";
} // namespace

tls_metrics::tls_metrics(obs::registry& r)
    : reload_ok(r.make_counter("runnel_tls_reloads_total", reloads_help, R"(result="ok")")),
      reload_error(r.make_counter("runnel_tls_reloads_total", reloads_help, R"(result="error")")),
      handshake_timeout(r.make_counter("runnel_tls_handshake_failures_total", failures_help, R"(reason="timeout")")),
      handshake_error(r.make_counter("runnel_tls_handshake_failures_total", failures_help, R"(reason="error")")) {}

} // namespace runnel::server
