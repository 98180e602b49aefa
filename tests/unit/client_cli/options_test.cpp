// Flag conversion and the checks that refuse what a transport cannot carry.
#include "runnel/client_cli/commands.hpp"
#include "runnel/client_cli/options.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;
using namespace std::chrono_literals;

namespace {

template <class Options>
std::string refusal_of(const Options& o) {
    try {
        validate(o);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "";
}

pub_options pub(std::string url = "") {
    pub_options o;
    o.channel = "chat/1";
    o.conn.url = std::move(url);
    return o;
}

sub_options sub(std::string url = "") {
    sub_options o;
    o.filters = {"chat/#"};
    o.conn.url = std::move(url);
    return o;
}

} // namespace

TEST(client_options, headers_split_at_the_first_equals) {
    EXPECT_EQ(parse_header("a=b=c"), std::make_pair(std::string("a"), std::string("b=c")));
    EXPECT_EQ(parse_header("k="), std::make_pair(std::string("k"), std::string()));
    EXPECT_THROW(parse_header("novalue"), usage_error);
    EXPECT_THROW(parse_header("=v"), usage_error);
}

TEST(client_options, pub_defaults_are_valid) {
    EXPECT_EQ(refusal_of(pub()), "");
    EXPECT_EQ(validate(pub()).via, via::mqtt);
    EXPECT_EQ(validate(pub("http://127.0.0.1:8080")).via, via::http);
}

TEST(client_options, pub_over_http_refuses_what_rest_cannot_carry) {
    auto o = pub("http://h:1");
    o.headers = {{"k", "v"}};
    EXPECT_NE(refusal_of(o).find("-H/--header is not available with --via http"), std::string::npos);
    o = pub("http://h:1");
    o.retain = true;
    EXPECT_NE(refusal_of(o).find("--retain"), std::string::npos);
    o = pub("http://h:1");
    o.qos = 1;
    EXPECT_NE(refusal_of(o).find("--qos"), std::string::npos);
    o = pub("http://h:1");
    o.conn.via = via::sse;
    EXPECT_NE(refusal_of(o).find("--via sse only receives"), std::string::npos);
}

TEST(client_options, pub_message_sources_exclude_each_other) {
    auto o = pub();
    o.message = "x";
    o.lines = true;
    EXPECT_NE(refusal_of(o), "");
    o = pub();
    o.file = "f";
    o.message = "x";
    EXPECT_NE(refusal_of(o), "");
    o = pub();
    o.count = 0;
    EXPECT_NE(refusal_of(o), "");
}

TEST(client_options, properties_need_mqtt_5_and_one_content_type) {
    auto o = pub();
    o.conn.mqtt_version = 3;
    o.content_type = "text/plain";
    EXPECT_NE(refusal_of(o).find("MQTT 5"), std::string::npos);
    o = pub();
    o.content_type = "a/b";
    o.headers = {{"content-type", "c/d"}};
    EXPECT_NE(refusal_of(o).find("content type once"), std::string::npos);
}

TEST(client_options, credentials_and_tls_flags_must_fit_the_transport) {
    auto o = pub("ws://h:1/ws");
    o.conn.username = "u";
    EXPECT_NE(refusal_of(o).find("MQTT credential"), std::string::npos);
    o = pub();
    o.conn.password = "p";
    o.conn.token = "t";
    EXPECT_NE(refusal_of(o).find("not both"), std::string::npos);
    o = pub();
    o.conn.cafile = "ca.pem";
    EXPECT_NE(refusal_of(o).find("TLS URL"), std::string::npos);
    o = pub("mqtts://h");
    o.conn.cafile = "ca.pem";
    EXPECT_EQ(refusal_of(o), "");
    o.conn.cert = "c.pem";
    EXPECT_NE(refusal_of(o).find("--cert and --key"), std::string::npos);
}

TEST(client_options, sub_checks) {
    EXPECT_EQ(refusal_of(sub()), "");
    auto o = sub();
    o.since = "123";
    EXPECT_NE(refusal_of(o).find("--since needs --via ws, http or sse"), std::string::npos);
    o.conn.url = "http://h:1";
    EXPECT_EQ(refusal_of(o), "");
    o.conn.url = "ws://h:1";
    EXPECT_EQ(refusal_of(o), "");
    o = sub("ws://h:1");
    o.qos = 1;
    EXPECT_NE(refusal_of(o).find("MQTT only"), std::string::npos);
    o = sub();
    o.clean = false;
    EXPECT_NE(refusal_of(o).find("-i/--client-id"), std::string::npos);
    o.conn.client_id = "me";
    EXPECT_EQ(refusal_of(o), "");
    o.session_expiry = 60;
    o.conn.mqtt_version = 3;
    EXPECT_NE(refusal_of(o).find("MQTT 5"), std::string::npos);
    o = sub();
    o.filters.clear();
    EXPECT_NE(refusal_of(o), "");
}

TEST(client_options, typed_flags_become_options) {
    pub_args p;
    p.c.via = "ws";
    p.c.mqtt_version = "mqttv311";
    p.c.timeout = "1500ms";
    p.headers = {"a=1", "a=2"};
    finish_args(p);
    EXPECT_EQ(p.o.conn.via, via::ws);
    EXPECT_EQ(p.o.conn.mqtt_version, 3);
    EXPECT_EQ(p.o.conn.timeout, 1500ms);
    ASSERT_EQ(p.o.headers.size(), 2u);
    EXPECT_EQ(p.o.headers[1].second, "2");
    p.c.timeout = "soon";
    EXPECT_THROW(finish_args(p), usage_error);

    sub_args s;
    s.duration = "2m";
    s.format = "raw";
    s.clean = "false";
    s.session_expiry = "never";
    finish_args(s);
    EXPECT_EQ(s.o.duration, 120'000ms);
    EXPECT_EQ(s.o.format, output_format::raw);
    EXPECT_FALSE(s.o.clean);
    EXPECT_EQ(s.o.session_expiry, 0xFFFFFFFFu);
    s.session_expiry = "1h";
    finish_args(s);
    EXPECT_EQ(s.o.session_expiry, 3600u);
    s.c.mqtt_version = "4.5";
    EXPECT_THROW(finish_args(s), usage_error);
}

TEST(client_options, generated_client_ids_name_the_role) {
    auto id = generated_client_id("sub");
    EXPECT_EQ(id.rfind("runnel-sub-", 0), 0u);
    EXPECT_EQ(id.size(), std::string("runnel-sub-").size() + 8);
}
