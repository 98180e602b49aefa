#include "decode.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using namespace std::chrono_literals;
using detail::decode;
using test::fails_with;

namespace {
options dec(const char* yaml) { return decode(YAML::Load(yaml)); }
} // namespace

TEST(decode, empty_tree_is_struct_defaults) {
    const options o = dec("");
    EXPECT_EQ(o.node.name, "runnel-1");
    EXPECT_TRUE(o.listeners.empty());
    EXPECT_EQ(o.mqtt.max_packet_size, 1u << 20);
    EXPECT_EQ(o.shutdown.grace, 5000ms);
}

TEST(decode, every_section) {
    const options o = dec(R"(
node: {name: n2, region: eu, data_dir: /var/lib/runnel, workers: 4}
log: {level: debug, format: json}
listeners:
  - {protocol: mqtt, bind: "[::1]:1883", max_connections: 10}
  - protocol: http
    bind: 0.0.0.0:8443
    tls: {cert: c.pem, key: k.pem, ca: ca.pem, require_client_cert: true, min_version: "1.3", identity: dn,
          handshake_timeout: 1500ms}
auth:
  anonymous: {enabled: false, loopback_only: false}
  users: [{username: a, password: b}, {username: c, password_hash: "$argon2id$x"}]
mqtt:
  max_packet_size: 2MiB
  max_topic_length: 1024
  max_topic_levels: 16
  max_client_id_length: 64
  receive_maximum: 10
  max_inflight: 20
  max_queued_messages: 5
  max_queued_bytes: 1MB
  max_session_expiry: 1h
  topic_alias_maximum: 0
  max_keep_alive: 600
  maximum_qos: 1
  retain_available: false
  wildcard_subscriptions: false
  shared_subscriptions: false
  subscription_identifiers: false
  connect_timeout: 5s
limits: {max_connections: 7, write_queue_high_watermark: 2MiB, write_queue_low_watermark: 512KiB, write_queue_max: 8MiB}
sys: {enabled: false, interval: 1m}
shutdown: {grace: 250ms}
broker: {shards: 8}
)");
    EXPECT_EQ(o.node.name, "n2");
    EXPECT_EQ(o.node.region, "eu");
    EXPECT_EQ(o.node.data_dir, "/var/lib/runnel");
    EXPECT_EQ(o.node.workers, 4u);
    EXPECT_EQ(o.log.level, "debug");
    EXPECT_EQ(o.log.format, "json");
    ASSERT_EQ(o.listeners.size(), 2u);
    EXPECT_EQ(o.listeners[0].host, "::1");
    EXPECT_EQ(o.listeners[0].max_connections, 10u);
    EXPECT_FALSE(o.listeners[0].tls);
    EXPECT_EQ(o.listeners[1].proto, protocol::http);
    ASSERT_TRUE(o.listeners[1].tls);
    EXPECT_EQ(o.listeners[1].tls->ca, "ca.pem");
    EXPECT_TRUE(o.listeners[1].tls->require_client_cert);
    EXPECT_EQ(o.listeners[1].tls->min_version, "1.3");
    EXPECT_EQ(o.listeners[1].tls->identity, "dn");
    EXPECT_EQ(o.listeners[1].tls->handshake_timeout, std::chrono::milliseconds(1500));
    EXPECT_EQ(tls_options{}.identity, "none");
    EXPECT_EQ(tls_options{}.handshake_timeout, std::chrono::seconds(10));
    EXPECT_FALSE(o.auth.anonymous);
    EXPECT_FALSE(o.auth.anonymous_loopback_only);
    ASSERT_EQ(o.auth.users.size(), 2u);
    EXPECT_EQ(o.auth.users[1].password_hash, "$argon2id$x");
    EXPECT_EQ(o.mqtt.max_packet_size, 2u << 20);
    EXPECT_EQ(o.mqtt.max_queued_bytes, 1'000'000u);
    EXPECT_EQ(o.mqtt.max_session_expiry, 1h);
    EXPECT_EQ(o.mqtt.maximum_qos, 1);
    EXPECT_FALSE(o.mqtt.subscription_identifiers);
    EXPECT_EQ(o.mqtt.connect_timeout, 5s);
    EXPECT_EQ(o.limits.write_queue_low_watermark, 512u << 10);
    EXPECT_EQ(o.sys.interval, 60s);
    EXPECT_EQ(o.shutdown.grace, 250ms);
    EXPECT_EQ(o.broker.shards, 8u);
}

TEST(decode, null_sections_keep_defaults) {
    const options o = dec("mqtt:\nlimits: ~\nnode: {name: ~}\n");
    EXPECT_EQ(o.mqtt.receive_maximum, 64);
    EXPECT_EQ(o.node.name, "runnel-1");
}

TEST(decode, unknown_keys_anywhere) {
    EXPECT_TRUE(fails_with([] { dec("mqtt: {max_pakcet_size: 1}"); }, "mqtt.max_pakcet_size", "unknown key"));
    EXPECT_TRUE(fails_with([] { dec("retentoin: []"); }, "retentoin", "unknown key"));
    EXPECT_TRUE(fails_with([] { dec("listeners: [{bind: ':1', port: 1}]"); }, "listeners.0.port", "unknown key"));
    EXPECT_TRUE(fails_with([] { dec("listeners: [{bind: ':1', tls: {cert: a, kye: b}}]"); },
                           "listeners.0.tls.kye", "did you mean key?"));
    EXPECT_TRUE(fails_with([] { dec("auth: {anonymous: {enabled: true, grant: {}}}"); },
                           "auth.anonymous.grant", "did you mean grants?"));
    EXPECT_TRUE(fails_with([] { dec("auth: {users: [{username: a, pass: b}]}"); }, "auth.users.0.pass",
                           "unknown key"));
}

TEST(decode, listener_shape_errors) {
    EXPECT_TRUE(fails_with([] { dec("listeners: [{protocol: mqtt}]"); }, "listeners.0.bind", "required"));
    EXPECT_TRUE(fails_with([] { dec("listeners: [{protocol: ws, bind: ':1'}]"); }, "listeners.0.protocol",
                           "expected mqtt, http or admin, got \"ws\""));
    EXPECT_TRUE(fails_with([] { dec("listeners: [{bind: ':1'}, {bind: '127.0.0.1:70000'}]"); },
                           "listeners.1.bind", "port must be 0..65535, got 70000"));
    EXPECT_TRUE(fails_with([] { dec("listeners: [x]"); }, "listeners.0", "expected a map"));
    EXPECT_TRUE(fails_with([] { dec("listeners: {a: 1}"); }, "listeners", "expected a list"));
    EXPECT_TRUE(fails_with([] { dec("listeners: [{bind: ':1', tls: yes}]"); }, "listeners.0.tls", "expected a map"));
}

TEST(decode, value_errors_name_the_path) {
    EXPECT_TRUE(fails_with([] { dec("node: {workers: many}"); }, "node.workers", "expected a non-negative integer"));
    EXPECT_TRUE(fails_with([] { dec("mqtt: {receive_maximum: 70000}"); }, "mqtt.receive_maximum",
                           "must be 0..65535, got 70000"));
    EXPECT_TRUE(fails_with([] { dec("mqtt: {max_packet_size: big}"); }, "mqtt.max_packet_size", "expected a size"));
    EXPECT_TRUE(fails_with([] { dec("sys: {interval: 1500ms}"); }, "sys.interval", "whole number of seconds"));
    EXPECT_TRUE(fails_with([] { dec("sys: {enabled: 2}"); }, "sys.enabled", "expected true or false"));
    EXPECT_TRUE(fails_with([] { dec("node: [1]"); }, "node", "expected a map, got a list"));
    EXPECT_TRUE(fails_with([] { dec("auth: {users: {a: b}}"); }, "auth.users", "expected a list"));
    EXPECT_TRUE(fails_with([] { dec("42"); }, "", "expected a map, got a scalar"));
}

TEST(decode, store_and_retention) {
    const options o = dec(R"(
store: {enabled: false, sync: always, sync_interval: 5ms, sync_batch: 64, block_cache: 8MiB,
        write_buffer: 16MiB, max_disk_bytes: 1GiB, sweep_interval: 2s, repair: true,
        idempotency_window: 1m}
retention:
  - {match: "sensors/#", max_age: 1h, max_messages: 1000, max_bytes: 1MiB}
  - {match: "tmp/+", store: false}
)");
    EXPECT_FALSE(o.store.enabled);
    EXPECT_EQ(o.store.sync, "always");
    EXPECT_EQ(o.store.sync_interval, 5ms);
    EXPECT_EQ(o.store.sync_batch, 64u);
    EXPECT_EQ(o.store.block_cache, 8u << 20);
    EXPECT_EQ(o.store.write_buffer, 16u << 20);
    EXPECT_EQ(o.store.max_disk_bytes, std::uint64_t{1} << 30);
    EXPECT_EQ(o.store.sweep_interval, 2000ms);
    EXPECT_TRUE(o.store.repair);
    EXPECT_EQ(o.store.idempotency_window, 60000ms);
    ASSERT_EQ(o.retention.size(), 2u);
    EXPECT_EQ(o.retention[0].match, "sensors/#");
    EXPECT_EQ(o.retention[0].max_age, 3600s);
    EXPECT_EQ(o.retention[0].max_messages, 1000u);
    EXPECT_EQ(o.retention[0].max_bytes, 1u << 20);
    EXPECT_TRUE(o.retention[0].store);
    EXPECT_FALSE(o.retention[1].store);
    EXPECT_EQ(o.retention[1].max_age, 86400s);
}

TEST(decode, store_and_retention_errors_name_the_key) {
    EXPECT_TRUE(fails_with([] { dec("store: {sync: sometimes}"); }, "store.sync", "always, batch or none"));
    EXPECT_TRUE(fails_with([] { dec("store: {fsync: always}"); }, "store.fsync", "did you mean sync?"));
    EXPECT_TRUE(fails_with([] { dec("retention: [{match: \"a/#/b\"}]"); }, "retention.0.match", "MQTT filter"));
    EXPECT_TRUE(fails_with([] { dec("retention: [{max_age: soon}]"); }, "retention.0.max_age", ""));
    EXPECT_TRUE(fails_with([] { dec("retention: {match: a}"); }, "retention", ""));
}

TEST(decode, auth_grants_keys_and_token_rules) {
    const options o = dec(R"(
auth:
  anonymous: {grants: {"public/#": [subscribe], "news/+": "subscribe, history"}}
  users: [{username: a, password: b, grants: {"a/{sub}/#": [publish]}}]
  keys:
    - {kid: main, alg: EdDSA, public_key: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}
    - {kid: legacy, alg: HS256, secret: "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="}
  clock_skew: 5s
  max_token_ttl: 1h
  require_exp: false
  certificate: {grants: {"devices/{sub}/#": [publish, subscribe]}}
)");
    using runnel::auth::action;
    EXPECT_TRUE(o.auth.anonymous_grants.allows(action::subscribe, "public/x"));
    EXPECT_TRUE(o.auth.anonymous_grants.allows(action::history, "news/today"));
    EXPECT_FALSE(o.auth.anonymous_grants.allows(action::publish, "public/x"));
    EXPECT_TRUE(o.auth.users[0].grants.for_subject("a").allows(action::publish, "a/a/1"));
    ASSERT_EQ(o.auth.keys.size(), 2u);
    EXPECT_EQ(o.auth.keys[0].public_key.size(), 32u);
    EXPECT_EQ(o.auth.keys[1].alg, runnel::auth::key_alg::hs256);
    EXPECT_EQ(o.auth.keys[1].secret, "01234567890123456789012345678901");
    EXPECT_EQ(o.auth.clock_skew, 5s);
    EXPECT_EQ(o.auth.max_token_ttl, 3600s);
    EXPECT_FALSE(o.auth.require_exp);
    EXPECT_TRUE(o.auth.certificate_grants.for_subject("d1").allows(action::subscribe, "devices/d1/#"));
    // Defaults: anonymous and users get every channel action, no admin; no keys.
    const options d = dec("auth: {users: [{username: u, password: p}]}");
    EXPECT_TRUE(d.auth.anonymous_grants.allows(action::presence, "#"));
    EXPECT_FALSE(d.auth.anonymous_grants.any(action::admin));
    EXPECT_TRUE(d.auth.users[0].grants.allows(action::publish, "any/thing"));
    EXPECT_TRUE(d.auth.keys.empty());
}

TEST(decode, auth_errors_name_the_key) {
    EXPECT_TRUE(fails_with([] { dec("auth: {anonymous: {grants: {\"a/#/b\": [publish]}}}"); },
                           "auth.anonymous.grants.a/#/b", "not a valid channel pattern"));
    EXPECT_TRUE(fails_with([] { dec("auth: {anonymous: {grants: {\"a\": [fly]}}}"); }, "auth.anonymous.grants.a",
                           "unknown action \"fly\""));
    EXPECT_TRUE(fails_with([] { dec("auth: {anonymous: {grants: [a]}}"); }, "auth.anonymous.grants", "expected a map"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{alg: EdDSA, public_key: x}]}"); }, "auth.keys.0.kid", "required"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{kid: k, alg: RS256}]}"); }, "auth.keys.0.alg", "EdDSA or HS256"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{kid: k, public_key: \"!!\"}]}"); }, "auth.keys.0.public_key", "base64"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{kid: k, public_key: \"AAAA\"}]}"); }, "auth.keys.0.public_key",
                           "expected 32 bytes, got 3"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{kid: k, alg: HS256, secret: \"AAAA\"}]}"); }, "auth.keys.0.secret",
                           "at least 32 bytes"));
    EXPECT_TRUE(fails_with([] { dec("auth: {keys: [{kid: k, alg: HS256, public_key: \"AAAA\"}]}"); },
                           "auth.keys.0.public_key", "takes secret"));
}

TEST(decode, limits_and_message_size_rules) {
    const options o = dec(R"(
limits:
  max_connections_per_address: 10
  publish_rate: 100
  publish_burst: 20
  max_subscriptions: 50
  message_size:
    - {match: "chat/#", max_bytes: 4KiB}
    - {max_bytes: 1MiB}
)");
    EXPECT_EQ(o.limits.max_connections_per_address, 10u);
    EXPECT_EQ(o.limits.publish_rate, 100u);
    EXPECT_EQ(o.limits.publish_burst, 20u);
    EXPECT_EQ(o.limits.max_subscriptions, 50u);
    ASSERT_EQ(o.limits.message_size.size(), 2u);
    EXPECT_EQ(o.limits.message_size[0].match, "chat/#");
    EXPECT_EQ(o.limits.message_size[0].max_bytes, 4096u);
    EXPECT_EQ(o.limits.message_size[1].match, "#");
    EXPECT_EQ(o.limits.message_size[1].max_bytes, 1u << 20);
    const options d = dec("");
    EXPECT_EQ(d.limits.max_connections_per_address, 1000u);
    EXPECT_EQ(d.limits.publish_rate, 0u);
    EXPECT_EQ(d.limits.max_subscriptions, 1000u);
    EXPECT_TRUE(d.limits.message_size.empty());
}

TEST(decode, limits_errors_name_the_key) {
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: [{match: \"a/#/b\", max_bytes: 1}]}"); },
                           "limits.message_size.0.match", "not a valid MQTT filter"));
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: [{match: a}]}"); }, "limits.message_size.0.max_bytes",
                           "required"));
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: [{max_bytes: lots}]}"); },
                           "limits.message_size.0.max_bytes", "expected a size"));
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: [{max_bytes: 1, max_byte: 2}]}"); },
                           "limits.message_size.0.max_byte", "unknown key"));
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: {match: a}}"); }, "limits.message_size", "expected a list"));
    EXPECT_TRUE(fails_with([] { dec("limits: {message_size: [7]}"); }, "limits.message_size.0", "expected a map"));
    EXPECT_TRUE(fails_with([] { dec("limits: {publish_rate: fast}"); }, "limits.publish_rate",
                           "expected a non-negative integer"));
    EXPECT_TRUE(fails_with([] { dec("limits: {max_subscription: 5}"); }, "limits.max_subscription",
                           "did you mean max_subscriptions?"));
}

TEST(decode, presence_section) {
    const options o = dec("presence: {grace: 2s, timeout: 90s, announce_max: 5, interval: 1500ms, here_now_max: 50, "
                          "max_state_bytes: 2KiB, interval_list_max: 0, members: verified}");
    EXPECT_EQ(o.presence.grace, std::chrono::milliseconds(2000));
    EXPECT_EQ(o.presence.timeout, std::chrono::milliseconds(90000));
    EXPECT_EQ(o.presence.announce_max, 5u);
    EXPECT_EQ(o.presence.interval, std::chrono::milliseconds(1500));
    EXPECT_EQ(o.presence.here_now_max, 50u);
    EXPECT_EQ(o.presence.max_state_bytes, 2048u);
    EXPECT_EQ(o.presence.interval_list_max, 0u);
    EXPECT_EQ(o.presence.members, "verified");
    EXPECT_EQ(dec("presence: {grace: 1s}").presence.members, "any");
    EXPECT_TRUE(o.presence.wildcards.empty());
    EXPECT_TRUE(fails_with([] { dec("presence: {grace: soon}"); }, "presence.grace", ""));
    EXPECT_TRUE(fails_with([] { dec("presence: {graec: 1s}"); }, "presence.graec", "unknown key"));
    EXPECT_TRUE(fails_with([] { dec("presence: {max_state_bytes: lots}"); }, "presence.max_state_bytes", ""));
}

TEST(decode, presence_wildcards) {
    const options o = dec("presence: {wildcards: [\"fleet/+\", \"room/#\", \"+/x/+\"]}");
    EXPECT_EQ(o.presence.wildcards, (std::vector<std::string>{"fleet/+", "room/#", "+/x/+"}));
    // Each entry must be a wildcard filter a subscription can make a member of.
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [\"a/+\", \"a/x\"]}"); }, "presence.wildcards.1",
                           "not a wildcard filter"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [\"a/#/b\"]}"); }, "presence.wildcards.0",
                           "not a wildcard filter"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [\"$SYS/#\"]}"); }, "presence.wildcards.0",
                           "not a wildcard filter"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [\"$share/g/a/+\"]}"); }, "presence.wildcards.0",
                           "not a wildcard filter"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [\"\"]}"); }, "presence.wildcards.0", "not a wildcard filter"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: \"a/+\"}"); }, "presence.wildcards", "expected a list"));
    EXPECT_TRUE(fails_with([] { dec("presence: {wildcards: [{a: 1}]}"); }, "presence.wildcards.0", "expected a string"));
}
