#pragma once
/// The admin HTTP surface on its own listener: `/metrics` (Prometheus text), `/healthz`
/// (process is up), `/readyz` (listeners accepting, not shutting down), and the admin API under
/// `/admin/v1/` (a token with the `admin` action): `POST|GET /admin/v1/revocations`.
/// Beast stays in the .cpp.
/// Affinity: each request is served on the worker its connection was accepted onto.
#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/revocations.hpp"
#include "runnel/net/transport.hpp"
#include "runnel/obs/metrics.hpp"

#include <atomic>
#include <chrono>
#include <functional>

namespace runnel::gateway::http {

struct admin_context {
    obs::registry& metrics;
    std::function<bool()> ready; // thread-safe
    const auth::authenticator* authn = nullptr; // checks the admin API's Bearer tokens
    /// Puts `r` in force; `done("")` once it is durable, or done(reason). Any thread.
    std::function<void(auth::revocation r, std::function<void(std::string)> done)> revoke;
    std::function<std::vector<auth::revocation>()> revocations;
    std::int64_t max_token_ttl = 86400; // how long a jti / subject revocation must live (0: forever)
    std::int64_t clock_skew = 30;
    // Slowloris: the first request must arrive within handshake_timeout, later ones within
    // idle_timeout (http.handshake_timeout / http.idle_timeout), as on the HTTP listener.
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds idle_timeout{60};
};

/// Serves one admin connection (HTTP/1.1 keep-alive) until it closes.
void serve_admin(admin_context& ctx, net::transport_ptr t, std::shared_ptr<void> slot);

} // namespace runnel::gateway::http
