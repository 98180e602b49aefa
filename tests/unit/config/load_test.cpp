#include "runnel/config/load.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace runnel::config;
using namespace std::chrono_literals;
using test::fails_with;
using test::load_with;

namespace {

std::string src(const char* rel) { return std::string(RUNNEL_SOURCE_DIR) + "/" + rel; }

struct temp_file {
    std::filesystem::path path;
    explicit temp_file(std::string_view text)
        : path(std::filesystem::temp_directory_path() /
               ("runnel-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml")) {
        std::ofstream(path) << text;
    }
    ~temp_file() { std::filesystem::remove(path); }
};

} // namespace

TEST(load, defaults_without_a_file) {
    const options o = load(std::nullopt, {});
    EXPECT_EQ(o.node.name, "runnel-1");
    EXPECT_EQ(o.node.region, "local");
    EXPECT_EQ(o.node.data_dir, "./data");
    EXPECT_EQ(o.node.workers, 0u);
    EXPECT_EQ(o.log.level, "info");
    ASSERT_EQ(o.listeners.size(), 3u);
    EXPECT_EQ(o.listeners[0].proto, protocol::mqtt);
    EXPECT_EQ(o.listeners[0].host, "127.0.0.1");
    EXPECT_EQ(o.listeners[0].port, 1883);
    EXPECT_EQ(o.listeners[1].proto, protocol::http);
    EXPECT_EQ(o.listeners[1].port, 8080);
    EXPECT_EQ(o.listeners[2].proto, protocol::admin);
    EXPECT_EQ(o.listeners[2].port, 9090);
    EXPECT_TRUE(o.auth.anonymous);
    EXPECT_TRUE(o.auth.anonymous_loopback_only);
    EXPECT_EQ(o.mqtt.max_session_expiry, 7 * 24h);
    EXPECT_EQ(o.limits.max_connections, 100000u);
    EXPECT_EQ(o.sys.interval, 10s);
    EXPECT_EQ(o.shutdown.grace, 5000ms);
}

TEST(load, file_is_laid_over_defaults) {
    const options o = load_with("node: {name: edge}\nmqtt: {maximum_qos: 1}\n");
    EXPECT_EQ(o.node.name, "edge");
    EXPECT_EQ(o.node.region, "local");
    EXPECT_EQ(o.listeners.size(), 3u); // no listeners key: the default listeners
    EXPECT_EQ(o.mqtt.maximum_qos, 1);
    EXPECT_TRUE(load_with("listeners: []").listeners.empty());
    EXPECT_EQ(load_with("listeners: [{protocol: mqtt, bind: ':1'}]").listeners.size(), 1u);
    EXPECT_EQ(load_with("").listeners.size(), 3u);
}

TEST(load, set_applies_before_decoding) {
    const options o = load_with("", {"listeners.0.bind=127.0.0.1:0", "mqtt.max_packet_size=2MiB",
                                     "auth.users=[{username: a, password: b}]", "node.workers=2",
                                     "auth.anonymous.enabled=false", "listeners.2.bind=[::1]:9091"});
    EXPECT_EQ(o.listeners[0].port, 0);
    EXPECT_EQ(o.mqtt.max_packet_size, 2u << 20);
    ASSERT_EQ(o.auth.users.size(), 1u);
    EXPECT_EQ(o.auth.users[0].username, "a");
    EXPECT_EQ(o.node.workers, 2u);
    EXPECT_FALSE(o.auth.anonymous);
    EXPECT_EQ(o.listeners[2].host, "::1");
}

TEST(load, set_values_validate_like_the_file) {
    EXPECT_TRUE(fails_with([] { load_with("", {"mqtt.max_pakcet_size=1"}); }, "mqtt.max_pakcet_size", "unknown key"));
    EXPECT_TRUE(fails_with([] { load_with("", {"mqtt.maximum_qos=3"}); }, "mqtt.maximum_qos", "must be 0..2"));
    EXPECT_TRUE(fails_with([] { load_with("", {"listeners.9.bind=:1"}); }, "listeners.9", "index past the end"));
    EXPECT_TRUE(fails_with([] { load_with("", {"nonsense"}); }, "--set", "expected KEY=VALUE"));
    EXPECT_TRUE(fails_with([] { load_with("", {"auth.users=[{username: a}]"}); }, "auth.users.0",
                           "exactly one of password or password_hash"));
}

TEST(load, flags_are_applied_after_set_and_validated) {
    overrides o;
    o.sets = {"listeners.0.bind=127.0.0.1:1999"};
    o.mqtt = {"127.0.0.1:2000"};
    o.workers = 2000;
    EXPECT_TRUE(fails_with([&] { load_yaml("", o); }, "node.workers", "must be 0..1024, got 2000"));
    o.workers = 4;
    const options opts = load_yaml("", o);
    EXPECT_EQ(opts.listeners[0].port, 2000); // the flag replaced the listener --set edited
    EXPECT_TRUE(fails_with([] { load_yaml("", {.mqtt = {":8080"}, .http = {"0.0.0.0:8080"}}); },
                           "listeners.1.bind", "duplicate address 0.0.0.0:8080"));
}

TEST(load, mqtt_tls_flag_on_defaults_needs_a_certificate) {
    EXPECT_TRUE(fails_with([] { load(std::nullopt, {.mqtt_tls = {":8883"}}); }, "--mqtt-tls", "needs a certificate"));
    const options o = load(std::nullopt, {.mqtt_tls = {":8883"}, .tls_cert = "c.pem", .tls_key = "k.pem"});
    ASSERT_EQ(o.listeners.size(), 4u);
    EXPECT_EQ(o.listeners[3].tls->cert, "c.pem");
}

TEST(load, yaml_syntax_errors_name_the_source_and_line) {
    EXPECT_TRUE(fails_with([] { load_with("node: {name: [x\n"); }, "yaml", "line "));
    temp_file f("a: [1,\nb: 2\n");
    EXPECT_TRUE(fails_with([&] { load(f.path.string(), {}); }, f.path.string(), "line 3, column 1: end of sequence flow not found"));
}

TEST(load, file_errors) {
    EXPECT_TRUE(fails_with([] { load("/nonexistent/runnel.yaml", {}); }, "/nonexistent/runnel.yaml", "cannot open"));
    const std::string dir = std::filesystem::temp_directory_path().string();
    EXPECT_TRUE(fails_with([&] { load(dir, {}); }, dir, "is a directory"));
    temp_file f("log: {level: loud}\n");
    EXPECT_TRUE(fails_with([&] { load(f.path.string(), {}); }, "log.level", "got \"loud\""));
}

TEST(load, default_yaml_is_what_load_without_file_uses) {
    EXPECT_NE(default_yaml().find("127.0.0.1:1883"), std::string_view::npos);
    const options a = load_with(default_yaml());
    const options b = load(std::nullopt, {});
    EXPECT_EQ(to_yaml(a), to_yaml(b));
}

TEST(load, config_error_carries_path) {
    const config_error e("mqtt.x", "bad");
    EXPECT_EQ(e.path(), "mqtt.x");
    EXPECT_STREQ(e.what(), "mqtt.x: bad");
}

TEST(load, example_file_loads_and_matches_defaults_apart_from_listeners) {
    const options example = load(src("config/runnel.example.yaml"), {});
    options defaults = load(std::nullopt, {});
    options cmp = example;
    cmp.listeners = defaults.listeners;
    cmp.auth.users = defaults.auth.users;
    EXPECT_EQ(to_yaml(cmp), to_yaml(defaults)); // the documented defaults are the real ones
}

TEST(load, dev_config_file_loads) {
    const options o = load(src("config/runnel.yaml"), {});
    ASSERT_EQ(o.listeners.size(), 4u);
    const auto& tls = o.listeners[1];
    EXPECT_EQ(tls.port, 8883);
    ASSERT_TRUE(tls.tls);
    EXPECT_EQ(tls.tls->cert, "dev-certs/server.pem");
    EXPECT_EQ(tls.tls->key, "dev-certs/server.key");
}

TEST(load_http, cors_origins_list_and_set_override) {
    overrides o;
    o.sets = {"http.cors_origins=[\"https://a.example\", \"*\"]", "http.max_frame=64KiB"};
    auto opts = load_yaml("", o);
    ASSERT_EQ(opts.http.cors_origins.size(), 2u);
    EXPECT_EQ(opts.http.cors_origins[0], "https://a.example");
    EXPECT_EQ(opts.http.max_frame, 64u * 1024);
    EXPECT_THROW(load_yaml("http: {cors_origins: [{a: 1}]}", {}), config_error);
}

TEST(load, set_writes_the_limits_and_their_rules) {
    const options o = test::load_with("", {"limits.publish_rate=10", "limits.publish_burst=2",
                                           "limits.message_size=[{match: \"a/#\", max_bytes: 1KiB}]"});
    EXPECT_EQ(o.limits.publish_rate, 10u);
    EXPECT_EQ(o.limits.publish_burst, 2u);
    ASSERT_EQ(o.limits.message_size.size(), 1u);
    EXPECT_EQ(o.limits.message_size[0].max_bytes, 1024u);
    EXPECT_TRUE(test::fails_with([] { test::load_with("", {"limits.message_size.0.max_bytes=0"}); },
                                 "limits.message_size.0", "index past the end"));
    EXPECT_TRUE(test::fails_with([] { test::load_with("", {"limits.publish_burst=3"}); }, "limits.publish_burst",
                                 "has no effect without limits.publish_rate"));
}

TEST(load, set_reaches_into_the_retention_list) {
    const options o = load_with("", {"retention=[{match: \"a/#\"}]", "retention.0.max_age=1h", "store.sync=none"});
    ASSERT_EQ(o.retention.size(), 1u);
    EXPECT_EQ(o.retention[0].max_age, std::chrono::seconds(3600));
    EXPECT_EQ(o.store.sync, "none");
}

// Deep nesting stops at yaml-cpp's depth guard (no stack overflow) with a clear message, not
// its "bad file" (tests/fuzz/corpus/config/deep-nesting for config_fuzz).
TEST(load, deeply_nested_yaml_is_a_config_error_with_its_position) {
    EXPECT_TRUE(fails_with([] { load_with("node: " + std::string(5000, '[')); }, "yaml", "levels deep"));
    EXPECT_TRUE(fails_with([] { load_with("node: " + std::string(600, '[') + std::string(600, ']')); }, "yaml",
                           "yaml: line 1, column "));
    std::string block = "a:\n";
    for (int i = 1; i < 1000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    EXPECT_TRUE(fails_with([&] { load_with(block); }, "yaml", "nested more than"));
}
