#include "decode.hpp"

#include "address.hpp"
#include "decode_auth.hpp"
#include "decode_store.hpp"
#include "reader.hpp"
#include "runnel/config/load.hpp"
#include "runnel/core/topic.hpp"

namespace runnel::config::detail {
namespace {

node_options decode_node(map_reader r) {
    node_options n;
    r.string("name", n.name);
    r.string("region", n.region);
    r.string("data_dir", n.data_dir);
    r.integer("workers", n.workers);
    r.finish();
    return n;
}

log_options decode_log(map_reader r) {
    log_options l;
    r.string("level", l.level);
    r.string("format", l.format);
    r.finish();
    return l;
}

tls_options decode_tls(map_reader r) {
    tls_options t;
    r.string("cert", t.cert);
    r.string("key", t.key);
    r.string("ca", t.ca);
    r.boolean("require_client_cert", t.require_client_cert);
    r.string("min_version", t.min_version);
    r.string("identity", t.identity);
    r.duration("handshake_timeout", t.handshake_timeout);
    r.finish();
    return t;
}

protocol decode_protocol(const YAML::Node& n, const std::string& path) {
    const std::string s = read_string(n, path);
    for (auto p : {protocol::mqtt, protocol::http, protocol::admin}) {
        if (s == to_string(p)) return p;
    }
    throw config_error(path, "expected mqtt, http or admin, got \"" + s + "\"");
}

listener decode_listener(map_reader r) {
    listener l;
    if (YAML::Node p = r.child("protocol"); present(p)) l.proto = decode_protocol(p, join(r.path(), "protocol"));
    const YAML::Node bind = r.child("bind");
    const std::string bind_path = join(r.path(), "bind");
    if (!present(bind)) throw config_error(bind_path, "required (host:port)");
    auto addr = parse_address(read_string(bind, bind_path), bind_path);
    l.host = std::move(addr.host);
    l.port = addr.port;
    if (YAML::Node t = r.child("tls"); t.IsDefined() && !t.IsNull()) {
        l.tls = decode_tls(map_reader(t, join(r.path(), "tls")));
    }
    r.integer("max_connections", l.max_connections);
    r.finish();
    return l;
}

mqtt_options decode_mqtt(map_reader r) {
    mqtt_options m;
    r.size("max_packet_size", m.max_packet_size);
    r.integer("max_topic_length", m.max_topic_length);
    r.integer("max_topic_levels", m.max_topic_levels);
    r.integer("max_client_id_length", m.max_client_id_length);
    r.integer("receive_maximum", m.receive_maximum);
    r.integer("max_inflight", m.max_inflight);
    r.integer("max_queued_messages", m.max_queued_messages);
    r.size("max_queued_bytes", m.max_queued_bytes);
    r.duration("max_session_expiry", m.max_session_expiry);
    r.integer("topic_alias_maximum", m.topic_alias_maximum);
    r.integer("max_keep_alive", m.max_keep_alive);
    r.integer("maximum_qos", m.maximum_qos);
    r.boolean("retain_available", m.retain_available);
    r.boolean("wildcard_subscriptions", m.wildcard_subscriptions);
    r.boolean("shared_subscriptions", m.shared_subscriptions);
    r.boolean("subscription_identifiers", m.subscription_identifiers);
    r.duration("connect_timeout", m.connect_timeout);
    r.finish();
    return m;
}

message_size_rule decode_size_rule(map_reader r) {
    message_size_rule rule;
    r.string("match", rule.match);
    if (core::validate_filter(rule.match) != errc::ok)
        throw config_error(join(r.path(), "match"), "not a valid MQTT filter: \"" + rule.match + "\"");
    if (!r.has("max_bytes")) throw config_error(join(r.path(), "max_bytes"), "required (a size, e.g. 64KiB)");
    r.size("max_bytes", rule.max_bytes);
    r.finish();
    return rule;
}

limits_options decode_limits(map_reader r) {
    limits_options l;
    r.integer("max_connections", l.max_connections);
    r.integer("max_connections_per_address", l.max_connections_per_address);
    r.integer("publish_rate", l.publish_rate);
    r.integer("publish_burst", l.publish_burst);
    r.integer("max_subscriptions", l.max_subscriptions);
    l.message_size = decode_map_list(r.child("message_size"), join(r.path(), "message_size"), decode_size_rule);
    r.size("write_queue_high_watermark", l.write_queue_high_watermark);
    r.size("write_queue_low_watermark", l.write_queue_low_watermark);
    r.size("write_queue_max", l.write_queue_max);
    r.finish();
    return l;
}

sys_options decode_sys(map_reader r) {
    sys_options s;
    r.boolean("enabled", s.enabled);
    r.duration("interval", s.interval);
    r.finish();
    return s;
}

shutdown_options decode_shutdown(map_reader r) {
    shutdown_options s;
    r.duration("grace", s.grace);
    r.finish();
    return s;
}

broker_options decode_broker(map_reader r) {
    broker_options b;
    r.integer("shards", b.shards);
    r.finish();
    return b;
}

std::vector<std::string> decode_strings(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> out;
    expect_list(node, path);
    for (std::size_t i = 0; present(node) && i < node.size(); ++i) {
        if (!node[i].IsScalar()) throw config_error(path + "." + std::to_string(i), "expected a string");
        out.push_back(node[i].as<std::string>());
    }
    return out;
}

http_options decode_http(map_reader r) {
    http_options h;
    r.string("mqtt_path", h.mqtt_path);
    r.string("ws_path", h.ws_path);
    h.cors_origins = decode_strings(r.child("cors_origins"), join(r.path(), "cors_origins"));
    r.size("max_header", h.max_header);
    r.size("max_body", h.max_body);
    r.size("max_frame", h.max_frame);
    r.duration("handshake_timeout", h.handshake_timeout);
    r.duration("idle_timeout", h.idle_timeout);
    r.boolean("ws_deflate", h.ws_deflate);
    r.duration("sse_heartbeat", h.sse_heartbeat);
    r.integer("max_streams", h.max_streams);
    r.finish();
    return h;
}

buffer_options decode_buffer(map_reader r) {
    buffer_options b;
    r.integer("max_messages", b.max_messages);
    r.size("max_bytes", b.max_bytes);
    r.duration("max_age", b.max_age);
    r.size("max_total_bytes", b.max_total_bytes);
    r.finish();
    return b;
}

presence_options decode_presence(map_reader r) {
    presence_options p;
    r.duration("grace", p.grace);
    r.duration("timeout", p.timeout);
    r.integer("announce_max", p.announce_max);
    r.duration("interval", p.interval);
    r.integer("here_now_max", p.here_now_max);
    r.size("max_state_bytes", p.max_state_bytes);
    r.integer("interval_list_max", p.interval_list_max);
    r.string("members", p.members);
    // Each entry is a wildcard filter a subscription can name exactly (not `$...`, no `$share`).
    const std::string at = join(r.path(), "wildcards");
    p.wildcards = decode_strings(r.child("wildcards"), at);
    for (std::size_t i = 0; i < p.wildcards.size(); ++i) {
        const auto& f = p.wildcards[i];
        if (core::validate_filter(f) != errc::ok || f.starts_with('$') || !core::has_wildcard(f))
            throw config_error(join(at, std::to_string(i)),
                               "not a wildcard filter (MQTT filter syntax with + or #, not $...): \"" + f + "\"");
    }
    r.finish();
    return p;
}

} // namespace

options decode(const YAML::Node& root) {
    map_reader r(root, "");
    options o;
    o.node = decode_node(map_reader(r.child("node"), "node"));
    o.log = decode_log(map_reader(r.child("log"), "log"));
    o.listeners = decode_map_list(r.child("listeners"), "listeners", decode_listener);
    o.auth = decode_auth(map_reader(r.child("auth"), "auth"));
    o.mqtt = decode_mqtt(map_reader(r.child("mqtt"), "mqtt"));
    o.limits = decode_limits(map_reader(r.child("limits"), "limits"));
    o.sys = decode_sys(map_reader(r.child("sys"), "sys"));
    o.shutdown = decode_shutdown(map_reader(r.child("shutdown"), "shutdown"));
    o.broker = decode_broker(map_reader(r.child("broker"), "broker"));
    o.http = decode_http(map_reader(r.child("http"), "http"));
    o.buffer = decode_buffer(map_reader(r.child("buffer"), "buffer"));
    o.store = decode_store(map_reader(r.child("store"), "store"));
    o.presence = decode_presence(map_reader(r.child("presence"), "presence"));
    o.retention = decode_retention(r.child("retention"), "retention");
    r.finish();
    return o;
}

} // namespace runnel::config::detail
