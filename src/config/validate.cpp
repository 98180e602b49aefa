#include "validate.hpp"

#include "address.hpp"
#include "reader.hpp"
#include "units.hpp"
#include "runnel/config/load.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace runnel::config::detail {
namespace {

void check_range(const std::string& path, std::uint64_t v, std::uint64_t lo, std::uint64_t hi) {
    if (v < lo || v > hi) {
        throw config_error(path, "must be " + std::to_string(lo) + ".." + std::to_string(hi) +
                                     ", got " + std::to_string(v));
    }
}

void check_one_of(const std::string& path, const std::string& v,
                  std::initializer_list<std::string_view> allowed) {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
    throw config_error(path, "expected " + list + ", got \"" + v + "\"");
}

void check_not_empty(const std::string& path, const std::string& v) {
    if (v.empty()) throw config_error(path, "must not be empty");
}

void check_node(const node_options& n) {
    check_not_empty("node.name", n.name);
    check_not_empty("node.region", n.region);
    check_not_empty("node.data_dir", n.data_dir);
    check_range("node.workers", n.workers, 0, max_workers);
}

void check_tls(const tls_options& t, const std::string& path) {
    if (t.cert.empty()) throw config_error(join(path, "cert"), "required when tls is set (with key)");
    if (t.key.empty()) throw config_error(join(path, "key"), "required when tls is set (with cert)");
    if (t.require_client_cert && t.ca.empty()) {
        throw config_error(join(path, "ca"), "required when require_client_cert is true");
    }
    check_one_of(join(path, "min_version"), t.min_version, {"1.2", "1.3"});
    check_one_of(join(path, "identity"), t.identity, {"none", "cn", "dn"});
    if (t.identity != "none" && t.ca.empty()) {
        throw config_error(join(path, "identity"), "needs tls.ca to verify client certificates (identity " + t.identity + ")");
    }
    if (t.handshake_timeout.count() < 100 || t.handshake_timeout.count() > 600'000) {
        throw config_error(join(path, "handshake_timeout"), "must be 100ms..10m, got " +
                           std::to_string(t.handshake_timeout.count()) + "ms");
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

void check_listeners(const std::vector<listener>& ls) {
    std::map<std::string, std::size_t> seen; // "host:port" -> index
    for (std::size_t i = 0; i < ls.size(); ++i) {
        const std::string path = "listeners." + std::to_string(i);
        check_not_empty(join(path, "bind"), ls[i].host);
        if (ls[i].tls) check_tls(*ls[i].tls, join(path, "tls"));
        if (ls[i].port == 0) continue; // every port-0 listener gets its own port from the OS
        const std::string addr = format_address(lower(ls[i].host), ls[i].port);
        auto [it, fresh] = seen.emplace(addr, i);
        if (!fresh) {
            throw config_error(join(path, "bind"), "duplicate address " + addr + " (also listeners." +
                                                       std::to_string(it->second) + ")");
        }
    }
}

void check_auth(const auth_options& a) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < a.users.size(); ++i) {
        const auto& u = a.users[i];
        const std::string path = "auth.users." + std::to_string(i);
        if (u.username.empty()) throw config_error(join(path, "username"), "required");
        if (u.password.empty() == u.password_hash.empty()) {
            throw config_error(path, "needs exactly one of password or password_hash");
        }
        if (!u.password_hash.empty() && !u.password_hash.starts_with("$argon2")) {
            throw config_error(join(path, "password_hash"),
                               "expected a libsodium crypto_pwhash_str hash ($argon2id$...)");
        }
        if (!names.insert(u.username).second) {
            throw config_error(join(path, "username"), "duplicate user \"" + u.username + "\"");
        }
    }
    std::set<std::string> kids;
    for (std::size_t i = 0; i < a.keys.size(); ++i) {
        if (!kids.insert(a.keys[i].kid).second) {
            throw config_error("auth.keys." + std::to_string(i) + ".kid", "duplicate kid \"" + a.keys[i].kid + "\"");
        }
    }
    check_range("auth.clock_skew", static_cast<std::uint64_t>(a.clock_skew.count()), 0, 3600);
    check_range("auth.max_token_ttl", static_cast<std::uint64_t>(a.max_token_ttl.count()), 1, 366 * 86400);
}

void check_mqtt(const mqtt_options& m) {
    check_range("mqtt.max_packet_size", m.max_packet_size, min_packet_size, max_packet_size);
    check_range("mqtt.max_topic_length", m.max_topic_length, 1, 65535);
    check_range("mqtt.max_topic_levels", m.max_topic_levels, 1, 65535);
    check_range("mqtt.max_client_id_length", m.max_client_id_length, 23, 65535); // MQTT 3.1.3-5
    check_range("mqtt.receive_maximum", m.receive_maximum, 1, 65535);
    check_range("mqtt.max_inflight", m.max_inflight, 1, 65535);
    check_range("mqtt.max_session_expiry", static_cast<std::uint64_t>(m.max_session_expiry.count()),
                0, 0xFFFF'FFFF); // v5 Session Expiry Interval is a four-byte integer
    check_range("mqtt.max_keep_alive", m.max_keep_alive, 1, 65535);
    check_range("mqtt.maximum_qos", m.maximum_qos, 0, 2);
    if (m.connect_timeout.count() < 1) throw config_error("mqtt.connect_timeout", "must be at least 1s");
}

void check_limits(const limits_options& l) {
    if (l.max_connections < 1) throw config_error("limits.max_connections", "must be at least 1");
    check_range("limits.publish_rate", l.publish_rate, 0, 10'000'000);
    check_range("limits.publish_burst", l.publish_burst, 0, 10'000'000);
    if (l.publish_burst != 0 && l.publish_rate == 0) {
        throw config_error("limits.publish_burst", "has no effect without limits.publish_rate (0 = no rate limit)");
    }
    check_range("limits.max_subscriptions", l.max_subscriptions, 0, 10'000'000);
    for (std::size_t i = 0; i < l.message_size.size(); ++i) {
        check_range("limits.message_size." + std::to_string(i) + ".max_bytes", l.message_size[i].max_bytes, 1,
                    std::size_t{256} << 20);
    }
    if (l.write_queue_low_watermark >= l.write_queue_high_watermark) {
        throw config_error("limits.write_queue_low_watermark",
                           "must be below write_queue_high_watermark (" +
                               format_size(l.write_queue_high_watermark) + "), got " +
                               format_size(l.write_queue_low_watermark));
    }
    if (l.write_queue_high_watermark > l.write_queue_max) {
        throw config_error("limits.write_queue_high_watermark",
                           "must be at most write_queue_max (" + format_size(l.write_queue_max) +
                               "), got " + format_size(l.write_queue_high_watermark));
    }
}

void check_presence(const presence_options& p) {
    using std::chrono::milliseconds;
    const auto day = milliseconds(86'400'000);
    if (p.grace.count() < 0 || p.grace > day) throw config_error("presence.grace", "must be between 0s and 1d");
    if (p.timeout < milliseconds(1000) || p.timeout > day)
        throw config_error("presence.timeout", "must be between 1s and 1d");
    check_range("presence.announce_max", p.announce_max, 0, 10'000'000);
    if (p.interval < milliseconds(1000) || p.interval > day)
        throw config_error("presence.interval", "must be between 1s and 1d");
    check_range("presence.here_now_max", p.here_now_max, 0, 1'000'000);
    check_range("presence.max_state_bytes", p.max_state_bytes, 2, 64u << 10);
    check_range("presence.interval_list_max", p.interval_list_max, 0, 1'000'000);
    check_one_of("presence.members", p.members, {"any", "verified"});
}

} // namespace

void validate(const options& o) {
    check_node(o.node);
    check_one_of("log.level", o.log.level, {"trace", "debug", "info", "warn", "error", "off"});
    check_one_of("log.format", o.log.format, {"text", "json"});
    check_listeners(o.listeners);
    check_auth(o.auth);
    check_mqtt(o.mqtt);
    check_limits(o.limits);
    if (o.sys.interval.count() < 1) throw config_error("sys.interval", "must be at least 1s");
    if (o.shutdown.grace.count() < 0) throw config_error("shutdown.grace", "must not be negative");
    check_range("broker.shards", o.broker.shards, 0, max_shards);
    for (auto [key, path] : {std::pair{"http.mqtt_path", &o.http.mqtt_path}, std::pair{"http.ws_path", &o.http.ws_path}}) {
        if (path->empty() || path->front() != '/') throw config_error(key, "must start with '/', got '" + *path + "'");
    }
    if (o.http.mqtt_path == o.http.ws_path) throw config_error("http.ws_path", "must differ from http.mqtt_path");
    check_range("http.max_header", o.http.max_header, 1024, 1u << 20);
    check_range("http.max_body", o.http.max_body, 1, 256u << 20);
    check_range("http.max_frame", o.http.max_frame, 64, 256u << 20);
    if (o.http.handshake_timeout.count() < 1) throw config_error("http.handshake_timeout", "must be at least 1s");
    if (o.http.idle_timeout.count() < 1) throw config_error("http.idle_timeout", "must be at least 1s");
    if (o.http.sse_heartbeat.count() < 1) throw config_error("http.sse_heartbeat", "must be at least 1s");
    check_range("http.max_streams", o.http.max_streams, 1, 10'000'000);
    check_range("buffer.max_messages", o.buffer.max_messages, 0, 10'000'000);
    check_range("buffer.max_bytes", o.buffer.max_bytes, 0, std::size_t{1} << 40);
    if (o.buffer.max_age.count() < 1) throw config_error("buffer.max_age", "must be at least 1s");
    check_range("buffer.max_total_bytes", o.buffer.max_total_bytes, 0, std::size_t{1} << 40);
    check_presence(o.presence);
}

} // namespace runnel::config::detail
