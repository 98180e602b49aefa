#include "address.hpp"
#include "runnel/auth/base64.hpp"
#include "runnel/config/load.hpp"
#include "units.hpp"

#include <yaml-cpp/yaml.h>

namespace runnel::config {
namespace {

using detail::format_duration;
using detail::format_size;

template <class T> void kv(YAML::Emitter& e, const char* key, const T& value) {
    e << YAML::Key << key << YAML::Value << value;
}

// yaml-cpp would print std::uint8_t as a character.
void kv(YAML::Emitter& e, const char* key, std::uint8_t value) {
    kv(e, key, static_cast<unsigned>(value));
}

void emit_listener(YAML::Emitter& e, const listener& l) {
    e << YAML::BeginMap;
    kv(e, "protocol", std::string(to_string(l.proto)));
    kv(e, "bind", detail::format_address(l.host, l.port));
    if (l.tls) {
        e << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
        kv(e, "cert", l.tls->cert);
        kv(e, "key", l.tls->key);
        kv(e, "ca", l.tls->ca);
        kv(e, "require_client_cert", l.tls->require_client_cert);
        kv(e, "min_version", l.tls->min_version);
        kv(e, "identity", l.tls->identity);
        kv(e, "handshake_timeout", format_duration(l.tls->handshake_timeout));
        e << YAML::EndMap;
    }
    kv(e, "max_connections", l.max_connections);
    e << YAML::EndMap;
}

void emit_grants(YAML::Emitter& e, const auth::grant_set& g) {
    e << YAML::Key << "grants" << YAML::Value << YAML::BeginMap;
    for (const auto& gr : g.list()) {
        e << YAML::Key << gr.pattern << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (auto a : {auth::action::subscribe, auth::action::publish, auth::action::history, auth::action::presence,
                       auth::action::admin}) {
            if (auth::has(gr.actions, a)) e << std::string(auth::to_string(a));
        }
        e << YAML::EndSeq;
    }
    e << YAML::EndMap;
}

void emit_keys(YAML::Emitter& e, const std::vector<auth::key>& keys) {
    e << YAML::Key << "keys" << YAML::Value << YAML::BeginSeq;
    for (const auto& k : keys) {
        e << YAML::BeginMap;
        kv(e, "kid", k.kid);
        kv(e, "alg", std::string(auth::to_string(k.alg)));
        if (k.alg == auth::key_alg::eddsa) kv(e, "public_key", auth::to_base64(k.public_key));
        else kv(e, "secret", auth::to_base64(k.secret));
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
}

void emit_auth(YAML::Emitter& e, const auth_options& a) {
    e << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "anonymous" << YAML::Value << YAML::BeginMap;
    kv(e, "enabled", a.anonymous);
    kv(e, "loopback_only", a.anonymous_loopback_only);
    emit_grants(e, a.anonymous_grants);
    e << YAML::EndMap;
    emit_keys(e, a.keys);
    kv(e, "clock_skew", format_duration(a.clock_skew));
    kv(e, "max_token_ttl", format_duration(a.max_token_ttl));
    kv(e, "require_exp", a.require_exp);
    e << YAML::Key << "certificate" << YAML::Value << YAML::BeginMap;
    emit_grants(e, a.certificate_grants);
    e << YAML::EndMap;
    e << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
    for (const auto& u : a.users) {
        e << YAML::BeginMap;
        kv(e, "username", u.username);
        if (!u.password.empty()) kv(e, "password", u.password);
        if (!u.password_hash.empty()) kv(e, "password_hash", u.password_hash);
        emit_grants(e, u.grants);
        e << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap;
}

void emit_mqtt(YAML::Emitter& e, const mqtt_options& m) {
    e << YAML::Key << "mqtt" << YAML::Value << YAML::BeginMap;
    kv(e, "max_packet_size", format_size(m.max_packet_size));
    kv(e, "max_topic_length", m.max_topic_length);
    kv(e, "max_topic_levels", m.max_topic_levels);
    kv(e, "max_client_id_length", m.max_client_id_length);
    kv(e, "receive_maximum", m.receive_maximum);
    kv(e, "max_inflight", m.max_inflight);
    kv(e, "max_queued_messages", m.max_queued_messages);
    kv(e, "max_queued_bytes", format_size(m.max_queued_bytes));
    kv(e, "max_session_expiry", format_duration(m.max_session_expiry));
    kv(e, "topic_alias_maximum", m.topic_alias_maximum);
    kv(e, "max_keep_alive", m.max_keep_alive);
    kv(e, "maximum_qos", m.maximum_qos);
    kv(e, "retain_available", m.retain_available);
    kv(e, "wildcard_subscriptions", m.wildcard_subscriptions);
    kv(e, "shared_subscriptions", m.shared_subscriptions);
    kv(e, "subscription_identifiers", m.subscription_identifiers);
    kv(e, "connect_timeout", format_duration(m.connect_timeout));
    e << YAML::EndMap;
}

void emit_rest(YAML::Emitter& e, const options& o) {
    e << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
    kv(e, "max_connections", o.limits.max_connections);
    kv(e, "max_connections_per_address", o.limits.max_connections_per_address);
    kv(e, "publish_rate", o.limits.publish_rate);
    kv(e, "publish_burst", o.limits.publish_burst);
    kv(e, "max_subscriptions", o.limits.max_subscriptions);
    e << YAML::Key << "message_size" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : o.limits.message_size) {
        e << YAML::Flow << YAML::BeginMap;
        kv(e, "match", r.match);
        kv(e, "max_bytes", format_size(r.max_bytes));
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
    kv(e, "write_queue_high_watermark", format_size(o.limits.write_queue_high_watermark));
    kv(e, "write_queue_low_watermark", format_size(o.limits.write_queue_low_watermark));
    kv(e, "write_queue_max", format_size(o.limits.write_queue_max));
    e << YAML::EndMap;
    e << YAML::Key << "sys" << YAML::Value << YAML::BeginMap;
    kv(e, "enabled", o.sys.enabled);
    kv(e, "interval", format_duration(o.sys.interval));
    e << YAML::EndMap;
    e << YAML::Key << "shutdown" << YAML::Value << YAML::BeginMap;
    kv(e, "grace", format_duration(o.shutdown.grace));
    e << YAML::EndMap;
    e << YAML::Key << "broker" << YAML::Value << YAML::BeginMap;
    kv(e, "shards", o.broker.shards);
    e << YAML::EndMap;
    e << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
    kv(e, "mqtt_path", o.http.mqtt_path);
    kv(e, "ws_path", o.http.ws_path);
    e << YAML::Key << "cors_origins" << YAML::Value << YAML::Flow << o.http.cors_origins;
    kv(e, "max_header", format_size(o.http.max_header));
    kv(e, "max_body", format_size(o.http.max_body));
    kv(e, "max_frame", format_size(o.http.max_frame));
    kv(e, "handshake_timeout", format_duration(o.http.handshake_timeout));
    kv(e, "idle_timeout", format_duration(o.http.idle_timeout));
    kv(e, "ws_deflate", o.http.ws_deflate);
    kv(e, "sse_heartbeat", format_duration(o.http.sse_heartbeat));
    kv(e, "max_streams", o.http.max_streams);
    e << YAML::EndMap;
    e << YAML::Key << "buffer" << YAML::Value << YAML::BeginMap;
    kv(e, "max_messages", o.buffer.max_messages);
    kv(e, "max_bytes", format_size(o.buffer.max_bytes));
    kv(e, "max_age", format_duration(o.buffer.max_age));
    kv(e, "max_total_bytes", format_size(o.buffer.max_total_bytes));
    e << YAML::EndMap;
    e << YAML::Key << "presence" << YAML::Value << YAML::BeginMap;
    kv(e, "grace", format_duration(o.presence.grace));
    kv(e, "timeout", format_duration(o.presence.timeout));
    kv(e, "announce_max", o.presence.announce_max);
    kv(e, "interval", format_duration(o.presence.interval));
    kv(e, "here_now_max", o.presence.here_now_max);
    kv(e, "max_state_bytes", format_size(o.presence.max_state_bytes));
    kv(e, "interval_list_max", o.presence.interval_list_max);
    kv(e, "members", o.presence.members);
    e << YAML::Key << "wildcards" << YAML::Value << YAML::Flow << o.presence.wildcards;
    e << YAML::EndMap;
    e << YAML::Key << "store" << YAML::Value << YAML::BeginMap;
    kv(e, "enabled", o.store.enabled);
    kv(e, "sync", o.store.sync);
    kv(e, "sync_interval", format_duration(o.store.sync_interval));
    kv(e, "sync_batch", o.store.sync_batch);
    kv(e, "block_cache", format_size(o.store.block_cache));
    kv(e, "write_buffer", format_size(o.store.write_buffer));
    kv(e, "max_disk_bytes", format_size(o.store.max_disk_bytes));
    kv(e, "sweep_interval", format_duration(o.store.sweep_interval));
    kv(e, "repair", o.store.repair);
    kv(e, "idempotency_window", format_duration(o.store.idempotency_window));
    e << YAML::EndMap;
    e << YAML::Key << "retention" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : o.retention) {
        e << YAML::BeginMap;
        kv(e, "match", r.match);
        kv(e, "max_age", format_duration(r.max_age));
        kv(e, "max_messages", r.max_messages);
        kv(e, "max_bytes", format_size(r.max_bytes));
        kv(e, "store", r.store);
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
}

} // namespace

std::string to_yaml(const options& o) {
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << "node" << YAML::Value << YAML::BeginMap;
    kv(e, "name", o.node.name);
    kv(e, "region", o.node.region);
    kv(e, "data_dir", o.node.data_dir);
    kv(e, "workers", o.node.workers);
    e << YAML::EndMap;
    e << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
    kv(e, "level", o.log.level);
    kv(e, "format", o.log.format);
    e << YAML::EndMap;
    e << YAML::Key << "listeners" << YAML::Value << YAML::BeginSeq;
    for (const auto& l : o.listeners) emit_listener(e, l);
    e << YAML::EndSeq;
    emit_auth(e, o.auth);
    emit_mqtt(e, o.mqtt);
    emit_rest(e, o);
    e << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
}

} // namespace runnel::config
