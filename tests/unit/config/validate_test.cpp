#include "validate.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using namespace std::chrono_literals;
using detail::validate;
using test::fails_with;

namespace {

template <class Edit> ::testing::AssertionResult rejects(Edit edit, std::string_view path, std::string_view needle) {
    options o;
    o.listeners.push_back({});
    edit(o);
    return fails_with([&] { validate(o); }, path, needle);
}

} // namespace

TEST(validate, defaults_are_valid) {
    options o;
    EXPECT_NO_THROW(validate(o));
}

TEST(validate, node) {
    EXPECT_TRUE(rejects([](options& o) { o.node.workers = 1025; }, "node.workers", "must be 0..1024, got 1025"));
    EXPECT_TRUE(rejects([](options& o) { o.node.name.clear(); }, "node.name", "must not be empty"));
    EXPECT_TRUE(rejects([](options& o) { o.node.data_dir.clear(); }, "node.data_dir", "must not be empty"));
}

TEST(validate, log_enums) {
    EXPECT_TRUE(rejects([](options& o) { o.log.level = "verbose"; }, "log.level",
                        "expected trace|debug|info|warn|error|off, got \"verbose\""));
    EXPECT_TRUE(rejects([](options& o) { o.log.format = "xml"; }, "log.format", "expected text|json"));
}

TEST(validate, listeners) {
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.cert = "c"}; }, "listeners.0.tls.key",
                        "required"));
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.key = "k"}; }, "listeners.0.tls.cert",
                        "required"));
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.cert = "c", .key = "k", .min_version = "1.1"}; },
                        "listeners.0.tls.min_version", "expected 1.2|1.3"));
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.cert = "c", .key = "k", .require_client_cert = true}; },
                        "listeners.0.tls.ca", "required when require_client_cert"));
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.cert = "c", .key = "k", .ca = "ca", .identity = "subject"}; },
                        "listeners.0.tls.identity", "expected none|cn|dn"));
    EXPECT_TRUE(rejects([](options& o) { o.listeners[0].tls = tls_options{.cert = "c", .key = "k", .identity = "cn"}; },
                        "listeners.0.tls.identity", "needs tls.ca"));
    EXPECT_TRUE(rejects([](options& o) {
        o.listeners[0].tls = tls_options{.cert = "c", .key = "k", .handshake_timeout = std::chrono::milliseconds(50)};
    }, "listeners.0.tls.handshake_timeout", "must be 100ms..10m"));
    EXPECT_TRUE(rejects(
        [](options& o) {
            o.listeners = {{.port = 1883}, {.proto = protocol::http, .port = 8080}, {.port = 1883}};
        },
        "listeners.2.bind", "duplicate address 127.0.0.1:1883 (also listeners.0)"));
}

TEST(validate, port_zero_listeners_never_collide) {
    options o;
    o.listeners = {{.port = 0}, {.port = 0}};
    EXPECT_NO_THROW(validate(o));
}

TEST(validate, users) {
    EXPECT_TRUE(rejects([](options& o) { o.auth.users = {{.password = "p"}}; }, "auth.users.0.username", "required"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.users = {{.username = "a"}}; }, "auth.users.0",
                        "exactly one of password or password_hash"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.users = {{"a", "p", "$argon2id$h"}}; }, "auth.users.0",
                        "exactly one of password or password_hash"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.users = {{.username = "a", .password_hash = "md5"}}; },
                        "auth.users.0.password_hash", "crypto_pwhash_str"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.users = {{"a", "p", ""}, {"a", "q", ""}}; },
                        "auth.users.1.username", "duplicate user"));
}

TEST(validate, token_keys_and_times) {
    runnel::auth::key k{"main", runnel::auth::key_alg::eddsa, std::string(32, 'k'), {}, {}};
    EXPECT_TRUE(rejects([&](options& o) { o.auth.keys = {k, k}; }, "auth.keys.1.kid", "duplicate kid"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.max_token_ttl = 0s; }, "auth.max_token_ttl", "must be"));
    EXPECT_TRUE(rejects([](options& o) { o.auth.clock_skew = 2h; }, "auth.clock_skew", "must be"));
}

TEST(validate, mqtt_ranges) {
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.receive_maximum = 0; }, "mqtt.receive_maximum", "must be 1..65535"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_inflight = 0; }, "mqtt.max_inflight", "must be 1..65535"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.maximum_qos = 3; }, "mqtt.maximum_qos", "must be 0..2, got 3"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_packet_size = 63; }, "mqtt.max_packet_size",
                        "must be 64..268435460, got 63"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_packet_size = 268435461; }, "mqtt.max_packet_size", "must be"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_client_id_length = 10; }, "mqtt.max_client_id_length",
                        "must be 23..65535"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_topic_levels = 0; }, "mqtt.max_topic_levels", "must be"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_keep_alive = 0; }, "mqtt.max_keep_alive", "must be"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.max_session_expiry = std::chrono::seconds(1LL << 32); },
                        "mqtt.max_session_expiry", "must be 0..4294967295"));
    EXPECT_TRUE(rejects([](options& o) { o.mqtt.connect_timeout = 0s; }, "mqtt.connect_timeout", "at least 1s"));
}

TEST(validate, limits_and_rest) {
    EXPECT_TRUE(rejects([](options& o) { o.limits.write_queue_low_watermark = 4u << 20; },
                        "limits.write_queue_low_watermark", "must be below write_queue_high_watermark (4MiB)"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.write_queue_high_watermark = 32u << 20; },
                        "limits.write_queue_high_watermark", "must be at most write_queue_max (16MiB), got 32MiB"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.max_connections = 0; }, "limits.max_connections", "at least 1"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.publish_rate = 10'000'001; }, "limits.publish_rate",
                        "must be 0..10000000, got 10000001"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.publish_burst = 5; }, "limits.publish_burst",
                        "has no effect without limits.publish_rate"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.publish_rate = 1, o.limits.publish_burst = 20'000'000; },
                        "limits.publish_burst", "must be 0..10000000"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.max_subscriptions = 20'000'000; }, "limits.max_subscriptions",
                        "must be 0..10000000"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.message_size = {{"a", 1}, {"#", 0}}; },
                        "limits.message_size.1.max_bytes", "must be 1..268435456, got 0"));
    EXPECT_TRUE(rejects([](options& o) { o.limits.message_size = {{"#", (256u << 20) + 1}}; },
                        "limits.message_size.0.max_bytes", "must be 1..268435456"));
    EXPECT_TRUE(rejects([](options& o) { o.sys.interval = 0s; }, "sys.interval", "at least 1s"));
    EXPECT_TRUE(rejects([](options& o) { o.shutdown.grace = -1ms; }, "shutdown.grace", "negative"));
    EXPECT_TRUE(rejects([](options& o) { o.broker.shards = 257; }, "broker.shards", "must be 0..256, got 257"));
}

TEST(validate, http) {
    EXPECT_TRUE(rejects([](options& o) { o.http.ws_path = "ws"; }, "http.ws_path", "must start with '/'"));
    EXPECT_TRUE(rejects([](options& o) { o.http.ws_path = "/mqtt"; }, "http.ws_path", "must differ"));
    EXPECT_TRUE(rejects([](options& o) { o.http.max_frame = 10; }, "http.max_frame", "must be 64.."));
    EXPECT_TRUE(rejects([](options& o) { o.http.idle_timeout = 0s; }, "http.idle_timeout", "at least 1s"));
}

TEST(validate, presence) {
    EXPECT_TRUE(rejects([](options& o) { o.presence.grace = -1ms; }, "presence.grace", "between 0s and 1d"));
    EXPECT_TRUE(rejects([](options& o) { o.presence.timeout = 500ms; }, "presence.timeout", "between 1s and 1d"));
    EXPECT_TRUE(rejects([](options& o) { o.presence.interval = 0ms; }, "presence.interval", "between 1s and 1d"));
    EXPECT_TRUE(rejects([](options& o) { o.presence.max_state_bytes = 1; }, "presence.max_state_bytes",
                        "must be 2..65536, got 1"));
    EXPECT_TRUE(rejects([](options& o) { o.presence.announce_max = 10'000'001; }, "presence.announce_max",
                        "must be 0..10000000"));
    EXPECT_TRUE(rejects([](options& o) { o.presence.members = "everyone"; }, "presence.members", "any"));
    EXPECT_NO_THROW(([] {
        options o;
        o.presence.grace = 0ms; // a lost connection times out at once
        o.presence.announce_max = 0;
        validate(o);
    }()));
}
