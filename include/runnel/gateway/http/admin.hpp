#pragma once
/// The admin HTTP surface on its own listener: `/metrics` (Prometheus text), `/healthz`
/// (process is up), `/readyz` (listeners accepting, not shutting down). Beast stays in the .cpp.
/// Affinity: each request is served on the worker its connection was accepted onto.
#include "runnel/net/transport.hpp"
#include "runnel/obs/metrics.hpp"

#include <atomic>
#include <functional>

namespace runnel::gateway::http {

struct admin_context {
    obs::registry& metrics;
    std::function<bool()> ready; // thread-safe
};

/// Serves one admin connection (HTTP/1.1 keep-alive) until it closes.
void serve_admin(admin_context& ctx, net::transport_ptr t, std::shared_ptr<void> slot);

} // namespace runnel::gateway::http
