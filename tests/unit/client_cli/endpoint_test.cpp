// --via and --url resolution and the HTTP targets of pub/sub.
#include "runnel/client_cli/endpoint.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;

namespace {
std::string error_of(std::optional<via> v, std::string_view url) {
    try {
        resolve_endpoint(v, url);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST(client_endpoint, defaults_per_via) {
    auto m = resolve_endpoint(std::nullopt, "");
    EXPECT_EQ(m.via, via::mqtt);
    EXPECT_FALSE(m.tls);
    EXPECT_EQ(m.host, "127.0.0.1");
    EXPECT_EQ(m.port, 1883);
    auto w = resolve_endpoint(via::ws, "");
    EXPECT_EQ(w.port, 8080);
    EXPECT_EQ(w.target, "/ws");
    auto h = resolve_endpoint(via::http, "");
    EXPECT_EQ(h.port, 8080);
    EXPECT_EQ(h.target, "");
    EXPECT_EQ(resolve_endpoint(via::sse, "").via, via::sse);
}

TEST(client_endpoint, scheme_implies_via_and_tls) {
    auto e = resolve_endpoint(std::nullopt, "mqtts://broker.example");
    EXPECT_EQ(e.via, via::mqtt);
    EXPECT_TRUE(e.tls);
    EXPECT_EQ(e.port, 8883);
    e = resolve_endpoint(std::nullopt, "wss://h.example/ws?token=x");
    EXPECT_EQ(e.via, via::ws);
    EXPECT_EQ(e.port, 443);
    EXPECT_EQ(e.target, "/ws?token=x");
    e = resolve_endpoint(std::nullopt, "https://h.example:8443/runnel/");
    EXPECT_EQ(e.via, via::http);
    EXPECT_TRUE(e.tls);
    EXPECT_EQ(e.port, 8443);
    EXPECT_EQ(e.target, "/runnel");
    EXPECT_EQ(resolve_endpoint(std::nullopt, "ws://h").port, 80);
}

TEST(client_endpoint, via_may_reuse_the_http_listener_url) {
    auto e = resolve_endpoint(via::ws, "http://127.0.0.1:9000");
    EXPECT_EQ(e.via, via::ws);
    EXPECT_EQ(e.target, "/ws");
    EXPECT_EQ(resolve_endpoint(via::sse, "https://127.0.0.1:9000").via, via::sse);
    EXPECT_NE(error_of(via::mqtt, "http://h:1"), "");
    EXPECT_NE(error_of(via::http, "ws://h:1"), "");
    EXPECT_NE(error_of(via::ws, "mqtt://h:1"), "");
}

TEST(client_endpoint, ipv6_hosts_lose_their_brackets) {
    auto e = resolve_endpoint(std::nullopt, "mqtt://[::1]:1884");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 1884);
    EXPECT_EQ(e.authority(), "[::1]:1884");
    EXPECT_EQ(resolve_endpoint(std::nullopt, "http://localhost:8080").authority(), "localhost:8080");
}

TEST(client_endpoint, bad_urls_are_usage_errors) {
    EXPECT_NE(error_of(std::nullopt, "127.0.0.1:1883"), "");
    EXPECT_EQ(error_of(std::nullopt, "ftp://h"), "--url: unknown scheme 'ftp' (mqtt, mqtts, ws, wss, http, https)");
    EXPECT_NE(error_of(std::nullopt, "mqtt://u:p@h"), "");
    EXPECT_NE(error_of(std::nullopt, "mqtt://h/path"), "");
    EXPECT_NE(error_of(std::nullopt, "http://h/?x=1"), "");
    EXPECT_NE(error_of(std::nullopt, "mqtt:///"), "");
    EXPECT_NE(error_of(std::nullopt, "mqtt://h:0"), "");
    EXPECT_NE(error_of(std::nullopt, "mqtt://h:99999"), "");
}

TEST(client_endpoint, http_targets) {
    EXPECT_EQ(publish_target("", "chat/1"), "/v1/channels/chat%2F1/messages");
    EXPECT_EQ(publish_target("/p", "a b"), "/p/v1/channels/a%20b/messages");
    EXPECT_EQ(poll_target("", {"chat/+", "alerts"}, std::nullopt, 0), "/v1/subscribe?channel=chat%2F%2B&channel=alerts&timeout=0");
    EXPECT_EQ(poll_target("", {"#"}, "176", 30), "/v1/subscribe?channel=%23&cursor=176&timeout=30");
    EXPECT_EQ(stream_target("", {"a/#"}, std::nullopt), "/v1/stream?channel=a%2F%23");
    EXPECT_EQ(stream_target("/x", {"a b\xC3\xA9~"}, "9"), "/x/v1/stream?channel=a%20b%C3%A9~&cursor=9");
}
