#include "apply_overrides.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using detail::apply_overrides;
using test::fails_with;

namespace {

options base() {
    options o;
    o.listeners = {
        {.proto = protocol::mqtt, .port = 1883, .max_connections = 5},
        {.proto = protocol::mqtt, .port = 8883, .tls = tls_options{.cert = "c.pem", .key = "k.pem", .ca = "ca.pem"}},
        {.proto = protocol::http, .port = 8080},
        {.proto = protocol::admin, .port = 9090},
    };
    return o;
}

std::vector<std::string> describe(const options& o) {
    std::vector<std::string> out;
    for (const auto& l : o.listeners) {
        out.push_back(std::string(to_string(l.proto)) + (l.tls ? "s " : " ") + l.host + ":" + std::to_string(l.port));
    }
    return out;
}

} // namespace

TEST(apply_overrides, scalars) {
    options o = base();
    apply_overrides(o, {.data_dir = "/tmp/d", .node_name = "n9", .workers = 3});
    EXPECT_EQ(o.node.data_dir, "/tmp/d");
    EXPECT_EQ(o.node.name, "n9");
    EXPECT_EQ(o.node.workers, 3u);
    EXPECT_EQ(o.listeners.size(), 4u);
}

TEST(apply_overrides, mqtt_replaces_only_plain_mqtt_in_place) {
    options o = base();
    apply_overrides(o, {.mqtt = {"0.0.0.0:1884", "[::1]:1885"}});
    EXPECT_EQ(describe(o), (std::vector<std::string>{"mqtt 0.0.0.0:1884", "mqtt ::1:1885", "mqtts 127.0.0.1:8883",
                                                     "http 127.0.0.1:8080", "admin 127.0.0.1:9090"}));
    EXPECT_EQ(o.listeners[0].max_connections, 5u); // settings of the replaced listener carry over
}

TEST(apply_overrides, each_kind) {
    options o = base();
    apply_overrides(o, {.http = {":80"}, .admin = {"127.0.0.1:0"}});
    EXPECT_EQ(describe(o), (std::vector<std::string>{"mqtt 127.0.0.1:1883", "mqtts 127.0.0.1:8883",
                                                     "http 0.0.0.0:80", "admin 127.0.0.1:0"}));
}

TEST(apply_overrides, mqtt_tls_reuses_configured_tls) {
    options o = base();
    apply_overrides(o, {.mqtt_tls = {":8884"}});
    ASSERT_EQ(o.listeners.size(), 4u);
    ASSERT_TRUE(o.listeners[1].tls);
    EXPECT_EQ(o.listeners[1].port, 8884);
    EXPECT_EQ(o.listeners[1].tls->cert, "c.pem");
    EXPECT_EQ(o.listeners[1].tls->ca, "ca.pem");
}

TEST(apply_overrides, tls_flags_take_cert_and_key_flags) {
    options o = base();
    apply_overrides(o, {.https = {"127.0.0.1:8443"}, .tls_cert = "x.pem", .tls_key = "x.key"});
    EXPECT_EQ(describe(o), (std::vector<std::string>{"mqtt 127.0.0.1:1883", "mqtts 127.0.0.1:8883",
                                                     "http 127.0.0.1:8080", "admin 127.0.0.1:9090",
                                                     "https 127.0.0.1:8443"}));
    EXPECT_EQ(o.listeners[4].tls->cert, "x.pem");
    EXPECT_EQ(o.listeners[1].tls->cert, "x.pem"); // --tls-cert re-keys every TLS listener
    EXPECT_EQ(o.listeners[1].tls->ca, "ca.pem");
}

TEST(apply_overrides, tls_flag_without_certificate_is_an_error) {
    options o = base();
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.https = {":8443"}}); }, "--https", "needs a certificate"));
    o = options{};
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.mqtt_tls = {":8883"}}); }, "--mqtt-tls",
                           "needs a certificate: pass --tls-cert and --tls-key or configure listeners[].tls"));
}

TEST(apply_overrides, cert_and_key_go_together_and_need_a_tls_listener) {
    options o = base();
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.tls_cert = "c"}); }, "--tls-key", "go together"));
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.tls_key = "k"}); }, "--tls-cert", "go together"));
    o = options{};
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.tls_cert = "c", .tls_key = "k"}); }, "--tls-cert",
                           "no TLS listener"));
}

TEST(apply_overrides, bad_address_names_the_flag) {
    options o = base();
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.mqtt = {"nope"}}); }, "--mqtt", "expected host:port"));
    EXPECT_TRUE(fails_with([&] { apply_overrides(o, {.admin = {":99999"}}); }, "--admin", "port must be"));
}
