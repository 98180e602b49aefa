#pragma once
/// The effective configuration of one node: plain aggregates with their defaults in the class,
/// filled by config::load() from YAML, flags and --set. Modules take the part they need by value
/// in their constructor; nothing here knows about YAML.
/// Affinity: none (values). Ownership: owns all its strings and vectors.
#include "runnel/auth/grants.hpp"
#include "runnel/auth/token.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::config {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct tls_options {
    std::string cert;
    std::string key;
    std::string ca; // optional CA for client certs
    bool require_client_cert = false;
    std::string min_version = "1.2"; // "1.2" | "1.3"
    /// "none" | "cn" | "dn": a verified client certificate (needs `ca`) names the client by its
    /// subject's CN or RFC 2253 DN (auth.certificate.grants), or is only checked.
    std::string identity = "none";
    milliseconds handshake_timeout{10000}; // a TLS handshake not done within it is closed
};

enum class protocol { mqtt, http, admin };

/// "mqtt" | "http" | "admin": the spelling used in YAML and logs.
constexpr std::string_view to_string(protocol p) noexcept {
    switch (p) {
    case protocol::mqtt: return "mqtt";
    case protocol::http: return "http";
    case protocol::admin: return "admin";
    }
    return "?";
}

struct listener {
    protocol proto = protocol::mqtt;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::optional<tls_options> tls;
    std::size_t max_connections = 0; // 0 = only the global limit
};

struct node_options {
    std::string name = "runnel-1";
    std::string region = "local";
    std::string data_dir = "./data";
    unsigned workers = 0; // 0 = one per core
};

struct log_options {
    std::string level = "info";  // trace|debug|info|warn|error|off
    std::string format = "text"; // text|json
};

/// Every channel action on every channel: the default grants of anonymous clients and users.
/// Every channel action everywhere, and reading `$SYS` (a pattern starting with a wildcard never
/// covers `$` channels, so it is granted by name: as in other MQTT brokers, $SYS is readable).
inline auth::grant_set default_grants() {
    return auth::grant_set({{"#", auth::all_channel_actions}, {"$SYS/#", static_cast<auth::action_set>(auth::action::subscribe)}});
}

struct user {
    std::string username;
    std::string password;      // plain
    std::string password_hash; // libsodium crypto_pwhash_str ($argon2id$...)
    auth::grant_set grants = default_grants(); // may name {sub}
};

struct auth_options {
    bool anonymous = true;
    bool anonymous_loopback_only = true;
    auth::grant_set anonymous_grants = default_grants();
    std::vector<user> users;
    /// Keys that sign tokens, by kid (several at once while rotating). Base64 in YAML.
    std::vector<auth::key> keys;
    seconds clock_skew{30};
    seconds max_token_ttl{86400}; // longest exp - iat accepted; also how long revocations live
    bool require_exp = true;
    /// Grants of a client identified by its TLS certificate (listener tls.identity); may name {sub}.
    auth::grant_set certificate_grants;
};

struct mqtt_options {
    std::size_t max_packet_size = 1 << 20;
    std::size_t max_topic_length = 65535;
    std::size_t max_topic_levels = 128;
    std::size_t max_client_id_length = 256;
    std::uint16_t receive_maximum = 64; // inbound QoS1/2 window we advertise
    std::uint16_t max_inflight = 64;    // outbound window per session
    std::size_t max_queued_messages = 1000;
    std::size_t max_queued_bytes = 64 << 20;
    seconds max_session_expiry{7 * 86400};
    std::uint16_t topic_alias_maximum = 64;
    std::uint16_t max_keep_alive = 65535; // larger client keep-alives are lowered via server keep alive (v5)
    std::uint8_t maximum_qos = 2;
    bool retain_available = true;
    bool wildcard_subscriptions = true;
    bool shared_subscriptions = true;
    bool subscription_identifiers = true;
    seconds connect_timeout{10};
};

/// The largest payload a message on the channels matching `match` (an MQTT filter) may carry.
struct message_size_rule {
    std::string match = "#";
    std::size_t max_bytes = 0; // required, >= 1
};

/// Abuse limits (docs/configuration.md, "Limits"); 0 turns a limit off where it says so.
struct limits_options {
    std::size_t max_connections = 100000;
    std::size_t max_connections_per_address = 1000; // all mqtt and http listeners together; 0 = no limit
    std::uint32_t publish_rate = 0;                  // messages/s per connection; 0 = no limit
    std::uint32_t publish_burst = 0;                 // 0 = publish_rate (one second's worth)
    std::size_t max_subscriptions = 1000;            // per connection (MQTT: per session); 0 = no limit
    std::vector<message_size_rule> message_size;     // first match wins; no match = no extra limit
    std::size_t write_queue_high_watermark = 4 << 20;
    std::size_t write_queue_low_watermark = 1 << 20;
    std::size_t write_queue_max = 16 << 20;
};

struct sys_options {
    bool enabled = true;
    seconds interval{10};
};

struct shutdown_options {
    milliseconds grace{5000};
};

/// The HTTP listener (WebSocket, and later long-poll, SSE and REST).
struct http_options {
    std::string mqtt_path = "/mqtt";      // MQTT over WebSocket (subprotocol "mqtt")
    std::string ws_path = "/ws";          // JSON protocol over WebSocket (subprotocol "runnel.json")
    std::vector<std::string> cors_origins; // allowed Origin values; "*" = any; empty = same-origin only
    std::size_t max_header = 16 << 10;
    std::size_t max_body = 1 << 20;
    std::size_t max_frame = 1 << 20;      // largest WebSocket message accepted
    seconds handshake_timeout{10};        // whole request / upgrade must arrive within this
    seconds idle_timeout{60};             // keep-alive HTTP connection with no request
    bool ws_deflate = true;               // permessage-deflate offered to WebSocket clients
    seconds sse_heartbeat{15};            // comment line sent on an idle SSE stream
    std::size_t max_streams = 10000;      // long-polls and SSE streams waiting at once (429 past it)
};

/// Each channel's in-memory buffer of its newest messages (long-poll and SSE read it).
struct buffer_options {
    std::size_t max_messages = 1000;
    std::size_t max_bytes = 1 << 20;
    seconds max_age{3600};
    std::size_t max_total_bytes = std::size_t{256} << 20; // all channels of the node
};

struct broker_options {
    unsigned shards = 0; // 0 = one per worker
};

/// The retention log (RocksDB under node.data_dir/store).
struct store_options {
    bool enabled = true;                  // false: memory only, nothing survives a restart
    std::string sync = "batch";           // always | batch | none
    milliseconds sync_interval{2};        // batch: fsync at least this often...
    std::size_t sync_batch = 256;         // ...or after this many messages
    std::size_t block_cache = std::size_t{64} << 20;
    std::size_t write_buffer = std::size_t{64} << 20;
    std::uint64_t max_disk_bytes = 0;     // 0 = unbounded
    milliseconds sweep_interval{10000};   // retention sweep (count, bytes, age)
    bool repair = false;                  // repair a corrupt database at start instead of refusing
    milliseconds idempotency_window{120000};
};

/// Presence (docs/presence.md): who is subscribed to a channel right now.
struct presence_options {
    milliseconds grace{15000};            // a lost connection stays present this long (no flap)
    milliseconds timeout{60000};          // a long-poll client stays present this long per poll
    std::size_t announce_max = 100;       // above this many members: interval events; 0 = never
    milliseconds interval{10000};         // period of interval events
    std::size_t here_now_max = 1000;      // here-now lists members only up to this occupancy
    std::size_t max_state_bytes = 1024;   // per-member state, compact JSON
    std::size_t interval_list_max = 1000; // joined+left+timeouts names per interval event; 0 = no cap
    std::string members = "any";          // any | verified (who can be a member)
    std::vector<std::string> wildcards;   // wildcard filters present without an opt-in (MQTT 3.1.1)
};

/// Retention for the channels matching `match` (an MQTT filter); the first match wins.
struct retention_rule {
    std::string match = "#";
    seconds max_age{86400};
    std::uint64_t max_messages = 0; // 0 = no limit
    std::uint64_t max_bytes = 0;    // 0 = no limit
    bool store = true;              // false: ephemeral, never written to disk
};

struct options {
    node_options node;
    log_options log;
    std::vector<listener> listeners;
    auth_options auth;
    mqtt_options mqtt;
    limits_options limits;
    sys_options sys;
    shutdown_options shutdown;
    broker_options broker;
    buffer_options buffer;
    http_options http;
    store_options store;
    presence_options presence;
    /// Empty means one rule: everything kept for 24 h.
    std::vector<retention_rule> retention;
};

} // namespace runnel::config
