#pragma once
/// What every MQTT connection of a node shares: options, the broker, the authenticator,
/// counters, and per-worker lists of live connections (for graceful shutdown).
/// Affinity: options and references are immutable after start; `live` entry w is touched only
/// on worker w; counters are atomics.
#include "runnel/auth/authenticator.hpp"
#include "runnel/broker/broker.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/limits/guard.hpp"
#include "runnel/net/write_queue.hpp"
#include "runnel/obs/metrics.hpp"

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
};

struct context {
    context(options o, broker::broker& b, const auth::authenticator& a, obs::registry& r,
            boost::asio::thread_pool& blocking, std::size_t workers, limits::guard& g)
        : opts(std::move(o)), broker(b), auth(a), counters(r), blocking_pool(blocking), live(workers), guard(g) {}
    const options opts;
    broker::broker& broker;
    const auth::authenticator& auth;
    stats counters;
    boost::asio::thread_pool& blocking_pool;
    std::vector<std::unordered_set<connection*>> live; // [worker]: open connections
    limits::guard& guard; // publish rate, subscriptions, message sizes; counts every limit
};

} // namespace runnel::gateway::mqtt
