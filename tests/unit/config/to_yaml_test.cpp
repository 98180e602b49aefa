#include "runnel/config/load.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using namespace std::chrono_literals;

TEST(to_yaml, defaults_round_trip) {
    const options o = load(std::nullopt, {});
    const std::string y = to_yaml(o);
    EXPECT_NE(y.find("bind: 127.0.0.1:1883"), std::string::npos) << y;
    EXPECT_NE(y.find("max_session_expiry: 7d"), std::string::npos) << y;
    EXPECT_NE(y.find("grace: 5s"), std::string::npos) << y;
    EXPECT_NE(y.find("max_packet_size: 1MiB"), std::string::npos) << y;
    EXPECT_EQ(to_yaml(load_yaml(y, {})), y);
}

TEST(to_yaml, everything_non_default_round_trips) {
    options o;
    o.node = {.name = "true", .region = "null", .data_dir = "/data dir/#x", .workers = 8};
    o.log = {.level = "trace", .format = "json"};
    o.listeners = {
        {.proto = protocol::mqtt, .host = "::1", .port = 1883},
        {.proto = protocol::http, .host = "0.0.0.0", .port = 0, .max_connections = 3},
        {.proto = protocol::admin, .host = "localhost", .port = 9443,
         .tls = tls_options{.cert = "c", .key = "k", .ca = "ca", .require_client_cert = true, .min_version = "1.3",
                                  .identity = "cn", .handshake_timeout = 2500ms}},
    };
    o.auth = {.anonymous = false, .anonymous_loopback_only = false,
              .users = {{.username = "a", .password = "yes"}, {.username = "b", .password_hash = "$argon2id$v=19$m"}}};
    o.mqtt.max_packet_size = 1000;
    o.mqtt.maximum_qos = 1;
    o.mqtt.max_session_expiry = 90min;
    o.mqtt.shared_subscriptions = false;
    o.limits.write_queue_low_watermark = 100;
    o.limits.publish_rate = 50;
    o.limits.publish_burst = 5;
    o.limits.max_connections_per_address = 0;
    o.limits.max_subscriptions = 7;
    o.limits.message_size = {{.match = "chat/#", .max_bytes = 4096}, {.match = "#", .max_bytes = 1000}};
    o.sys.interval = 61s;
    o.shutdown.grace = 1500ms;
    o.broker.shards = 3;
    o.presence = {.grace = 1500ms, .timeout = 2min, .announce_max = 7, .interval = 3s, .here_now_max = 9,
                  .max_state_bytes = 2048, .interval_list_max = 0, .members = "verified",
                  .wildcards = {"fleet/+", "room/#"}};
    const std::string y = to_yaml(o);
    const options back = load_yaml(y, {});
    EXPECT_EQ(back.node.name, "true");
    EXPECT_EQ(back.presence.grace, 1500ms);
    EXPECT_EQ(back.presence.timeout, 2min);
    EXPECT_EQ(back.presence.max_state_bytes, 2048u);
    EXPECT_EQ(back.presence.members, "verified");
    EXPECT_EQ(back.presence.wildcards, (std::vector<std::string>{"fleet/+", "room/#"}));
    EXPECT_EQ(back.node.region, "null");
    EXPECT_EQ(back.node.data_dir, "/data dir/#x");
    EXPECT_EQ(back.listeners[0].host, "::1");
    EXPECT_EQ(back.listeners[1].max_connections, 3u);
    ASSERT_TRUE(back.listeners[2].tls);
    EXPECT_TRUE(back.listeners[2].tls->require_client_cert);
    EXPECT_EQ(back.listeners[2].tls->identity, "cn");
    EXPECT_EQ(back.listeners[2].tls->handshake_timeout, 2500ms);
    EXPECT_EQ(back.auth.users[0].password, "yes");
    EXPECT_EQ(back.mqtt.max_packet_size, 1000u);
    EXPECT_EQ(back.shutdown.grace, 1500ms);
    EXPECT_EQ(back.limits.publish_burst, 5u); // and the rest of limits: to_yaml(back) == y below
    ASSERT_EQ(back.limits.message_size.size(), 2u);
    EXPECT_EQ(back.limits.message_size[1].match, "#");
    EXPECT_EQ(to_yaml(back), y) << y;
}

TEST(to_yaml, empty_lists_stay_empty) {
    options o;
    const options back = load_yaml(to_yaml(o), {});
    EXPECT_TRUE(back.listeners.empty());
    EXPECT_TRUE(back.auth.users.empty());
}
