#pragma once
/// The HTTP listener: plain or TLS, HTTP/1.1 keep-alive, and WebSocket upgrades. An upgrade on
/// `http.mqtt_path` (subprotocol "mqtt") becomes a net::transport handed to the MQTT gateway, so
/// MQTT over WebSocket is the same MQTT as over TCP. REST publish, long-poll (`/v1/subscribe`)
/// and SSE (`/v1/stream`) talk to the broker directly. Beast stays in the .cpp files.
/// Affinity: a connection is served on the worker it was accepted onto.
#include "runnel/auth/authenticator.hpp"
#include "runnel/config/options.hpp"
#include "runnel/core/message.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/limits/guard.hpp"
#include "runnel/net/transport.hpp"
#include "runnel/obs/auth_denials.hpp"
#include "runnel/presence/hub.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

namespace runnel::broker {
class broker;
}

namespace runnel::gateway::http {

class ws_transport;
class channel_watch;

struct http_context {
    config::http_options opts;
    std::function<bool()> ready; // thread-safe
    /// Takes a WebSocket carrying MQTT (worker = the connection's worker).
    std::function<void(net::transport_ptr, std::size_t worker, std::shared_ptr<void> slot)> on_mqtt;
    /// Takes a WebSocket speaking the JSON protocol (text frames), with the token its upgrade
    /// carried (already accepted); unset = /ws not served.
    std::function<void(std::unique_ptr<ws_transport>, std::size_t worker, std::shared_ptr<void> slot,
                       std::optional<std::string> token)>
        on_json;
    /// Checks tokens (Bearer, ?token=) and whether a request without one may act (anonymous
    /// access, loopback rule). Never null once served.
    const auth::authenticator* authn = nullptr;
    core::topic_limits topics;
    broker::broker* broker = nullptr;
    /// Long-polls and SSE streams waiting on each worker, so shutdown can wake them.
    /// Index = worker; each set is touched on its worker only.
    std::vector<std::unordered_set<channel_watch*>> watches;
    /// Long-polls and SSE streams open now, over every worker (http.max_streams).
    std::shared_ptr<std::atomic<std::size_t>> streams = std::make_shared<std::atomic<std::size_t>>(0);
    /// Publish rate, message sizes, subscriptions; counts every limit (never null once served).
    limits::guard* guard = nullptr;
    /// runnel_auth_denied_total{protocol="http"} (never null once served).
    std::shared_ptr<obs::auth_denials> denied;
    /// The node's presence hub (REST here-now and where-now); null: answered 501.
    runnel::presence::hub* presence = nullptr;
};

/// Wakes every long-poll and SSE stream of the calling worker so they finish (node shutdown).
void shutdown_watches(http_context& ctx, std::size_t worker);

/// Ends every long-poll and SSE stream of the calling worker whose identity `revoked` now
/// covers: a waiting long-poll is answered 401 "token revoked", a stream gets an `error` event
/// and ends. Returns how many it ended.
std::size_t cut_revoked_watches(http_context& ctx, std::size_t worker, const auth::revocation_list& revoked);

/// Serves one HTTP connection until it closes or is upgraded.
void serve_http(http_context& ctx, net::transport_ptr t, std::size_t worker, std::shared_ptr<void> slot);

} // namespace runnel::gateway::http
