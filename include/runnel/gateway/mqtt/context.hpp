#pragma once
/// What every MQTT connection of a node shares: options, the broker, the authenticator (and
/// the revocation list it checks), counters, and per-worker lists of live connections (for
/// graceful shutdown and revocation cuts).
/// Affinity: options and references are immutable after start; `live` entry w is touched only
/// on worker w; counters are atomics.
#include "runnel/auth/authenticator.hpp"
#include "runnel/broker/broker.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/limits/guard.hpp"
#include "runnel/net/write_queue.hpp"
#include "runnel/obs/auth_denials.hpp"
#include "runnel/obs/metrics.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace runnel::gateway::mqtt {

class connection;

struct options {
    std::size_t max_packet_size = 1u << 20;
    core::topic_limits topics;
    std::size_t max_client_id_length = 256;
    std::uint16_t receive_maximum = 64;       // inbound QoS 1/2 window we advertise
    std::chrono::seconds max_session_expiry{7 * 86400};
    std::uint16_t topic_alias_maximum = 64;   // inbound aliases we accept
    std::uint16_t max_keep_alive = 65535;
    std::uint8_t maximum_qos = 2;
    bool retain_available = true;
    bool wildcard_subscriptions = true;
    bool shared_subscriptions = true;
    bool subscription_identifiers = true;
    std::chrono::seconds connect_timeout{10};
    std::size_t max_connections = 100000;
    net::queue_limits queue;
};

struct stats {
    explicit stats(obs::registry& r);
    obs::gauge& connections;          // connected (CONNACK sent) clients
    obs::counter& connections_total;
    obs::counter& messages_in;
    obs::counter& messages_out;
    obs::counter& bytes_in;
    obs::counter& bytes_out;
    obs::counter& protocol_errors;
    obs::counter& auth_failures;
    obs::counter& slow_consumers;
    // runnel_auth_denied_total{protocol="mqtt",action=...}: refused credentials ("connect", and
    // a failed v5 re-authentication), and actions the identity's grants do not allow
    // ("subscribe", "publish", "will").
    obs::auth_denials denied;
};

struct context {
    context(options o, broker::broker& b, const auth::static_authenticator& a, obs::registry& r,
            boost::asio::thread_pool& blocking, std::size_t workers, limits::guard& g,
            const auth::revocation_list* rl = nullptr)
        : opts(std::move(o)), broker(b), auth(a), revoked(rl), counters(r), blocking_pool(blocking), live(workers),
          guard(g) {}
    const options opts;
    broker::broker& broker;
    const auth::static_authenticator& auth; // static: v5 re-authentication needs refresh()
    const auth::revocation_list* revoked;   // the one `auth` checks; null: nothing is ever revoked
    stats counters;
    boost::asio::thread_pool& blocking_pool;
    std::vector<std::unordered_set<connection*>> live; // [worker]: open connections
    limits::guard& guard; // publish rate, subscriptions, message sizes; counts every limit
    runnel::presence::hub* presence = nullptr; // set by the node; null: subscriptions make no members
};

/// Ends every live connection on worker `w` whose identity ctx.revoked now covers (v5:
/// DISCONNECT 0x98 "token revoked"; 3.1.1: close). Call on worker `w` after each revocation;
/// returns how many were cut. A connection still authenticating re-checks when its session
/// opens, so one that slips past this sweep is refused there (revoke.cpp).
std::size_t cut_revoked(context& ctx, broker::worker_id w);

} // namespace runnel::gateway::mqtt
