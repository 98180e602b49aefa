// Tokens and grants on the MQTT gateway (docs/auth.md): an in-process node with an HS256 key and
// auth.clock_skew 0, raw MQTT packets from the blocking test client, tokens signed here with
// auth::sign. Revocation goes through the admin API, as an operator would.
#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/token.hpp"
#include "runnel/config/load.hpp"
#include "runnel/server/node.hpp"

#include "../support/mqtt_test_client.hpp"
#include "../support/node_options.hpp"
#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace runnel;
namespace wire = runnel::codec::mqtt;
using namespace std::chrono_literals;

namespace {

constexpr std::uint8_t reauthenticate = 0x19;

auth::key test_key() {
    auth::key k;
    k.kid = "it";
    k.alg = auth::key_alg::hs256;
    k.secret = std::string(32, 's');
    return k;
}

std::int64_t now_s() { return auth::unix_now(); }

/// A token for `sub` with `grants`, valid for `ttl` seconds from now.
std::string token(std::string sub, std::vector<auth::grant> grants, std::int64_t ttl = 600, std::string jti = {}) {
    auth::claims c;
    c.sub = std::move(sub);
    c.jti = std::move(jti);
    c.exp = now_s() + ttl;
    c.iat = std::min(now_s(), *c.exp - 1); // an already expired token was issued before its exp
    c.grants = auth::grant_set(std::move(grants));
    return auth::sign(c, test_key());
}

constexpr auto sub_pub = auth::action::subscribe | auth::action::publish;

config::options auth_options(const std::string& data_dir) {
    auto opts = test::loopback_node_options(data_dir, {"log.level=warn"});
    opts.auth.keys = {test_key()};
    opts.auth.clock_skew = 0s; // a token ends exactly at its exp
    opts.auth.anonymous = false;
    return opts;
}

struct authz_mqtt : ::testing::Test {
    test::temp_dir dir{"runnel-authz-it"};
    server::node n{auth_options(dir.path.string())};
    void SetUp() override { n.start(); }
    std::uint16_t port() const { return n.port(config::protocol::mqtt); }

    /// CONNECT with the token as the password (or with method jwt when `jwt_method`).
    static wire::connack connect(test::mqtt_test_client& c, std::string cid, const std::string& tok,
                                 wire::version v = wire::version::v5, bool jwt_method = false,
                                 std::optional<wire::will_message> will = std::nullopt, bool clean = true,
                                 std::uint32_t session_expiry = 0) {
        wire::connect p;
        p.ver = v;
        p.clean_start = clean;
        p.keep_alive = 30;
        p.client_id = std::move(cid);
        p.will = std::move(will);
        if (jwt_method) {
            p.props.authentication_method = "jwt";
            p.props.authentication_data = tok;
        } else {
            p.username = "ignored";
            p.password = tok;
        }
        if (session_expiry) p.props.session_expiry_interval = session_expiry;
        c.send(p);
        return c.expect<wire::connack>();
    }

    /// POST /admin/v1/revocations on the admin listener; returns the raw HTTP response.
    std::string revoke(const std::string& body) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket s(io);
        s.connect({boost::asio::ip::make_address("127.0.0.1"), n.port(config::protocol::admin)});
        auto admin = token("ops", {{"#", static_cast<auth::action_set>(auth::action::admin)}});
        std::string req = "POST /admin/v1/revocations HTTP/1.1\r\nHost: it\r\nAuthorization: Bearer " + admin +
                          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
        boost::asio::write(s, boost::asio::buffer(req));
        std::string out;
        boost::system::error_code ec;
        char buf[4096];
        for (;;) {
            auto got = s.read_some(boost::asio::buffer(buf), ec);
            out.append(buf, got);
            if (ec) break;
        }
        return out;
    }
};

TEST_F(authz_mqtt, subscribe_needs_a_grant_covering_the_whole_filter_per_filter_v5_and_v311) {
    auto tok = token("alice", {{"chat/#", sub_pub}, {"news/+", static_cast<auth::action_set>(auth::action::subscribe)}});
    for (auto v : {wire::version::v5, wire::version::v311}) {
        test::mqtt_test_client c(port(), v);
        ASSERT_EQ(connect(c, v == wire::version::v5 ? "sub5" : "sub3", tok, v).reason_code, wire::reason::success);
        c.send(wire::subscribe{1,
                               {{"chat/+", 1}, {"other/x", 1}, {"news/#", 1}, {"$share/g/chat/a", 1},
                                {"$share/g/other/a", 1}, {"news/today", 0}},
                               {}});
        auto ack = c.expect<wire::suback>();
        const std::uint8_t no = v == wire::version::v5 ? wire::reason::not_authorized : 0x80;
        EXPECT_EQ(ack.reason_codes, (std::vector<std::uint8_t>{1, no, no, 1, no, 0})) << static_cast<int>(v);
        if (v == wire::version::v5) {
            ASSERT_TRUE(ack.props.reason_string);
            EXPECT_NE(ack.props.reason_string->find("no subscribe grant"), std::string::npos);
        }
        // The granted filters work.
        c.send(wire::publish{"chat/x", "hi", 0, false, false, 0, {}});
        EXPECT_EQ(c.expect<wire::publish>().topic, "chat/x");
    }
    EXPECT_NE(n.metrics_text().find(R"(runnel_auth_denied_total{protocol="mqtt",action="subscribe"} 6)"),
              std::string::npos)
        << n.metrics_text();
}

TEST_F(authz_mqtt, publish_without_grant_gets_0x87_v5_and_is_dropped_but_acknowledged_v311) {
    auto reader = token("reader", {{"#", sub_pub}});
    auto writer = token("writer", {{"chat/#", sub_pub}});
    test::mqtt_test_client sub(port());
    ASSERT_EQ(connect(sub, "watch", reader).reason_code, wire::reason::success);
    sub.send(wire::subscribe{1, {{"#", 1}}, {}});
    sub.expect<wire::suback>();

    test::mqtt_test_client v5(port());
    ASSERT_EQ(connect(v5, "w5", writer).reason_code, wire::reason::success);
    v5.send(wire::publish{"secret/a", "x", 1, false, false, 1, {}});
    auto a1 = v5.expect<wire::puback>();
    EXPECT_EQ(a1.reason_code, wire::reason::not_authorized);
    ASSERT_TRUE(a1.props.reason_string);
    EXPECT_EQ(*a1.props.reason_string, "no publish grant for secret/a");
    v5.send(wire::publish{"secret/b", "x", 2, false, false, 2, {}});
    EXPECT_EQ(v5.expect<wire::pubrec>().reason_code, wire::reason::not_authorized);
    v5.send(wire::publish{"secret/c", "x", 0, false, false, 0, {}}); // dropped, connection stays

    test::mqtt_test_client v3(port(), wire::version::v311);
    ASSERT_EQ(connect(v3, "w3", writer, wire::version::v311).reason_code, wire::reason::success);
    v3.send(wire::publish{"secret/d", "x", 1, false, false, 3, {}});
    EXPECT_EQ(v3.expect<wire::puback>().packet_id, 3); // acknowledged, not published
    v3.send(wire::publish{"secret/e", "x", 2, false, false, 4, {}});
    EXPECT_EQ(v3.expect<wire::pubrec>().packet_id, 4);
    v3.send(wire::pubrel{4, 0, {}});
    EXPECT_EQ(v3.expect<wire::pubcomp>().packet_id, 4);
    v3.send(wire::publish{"secret/f", "x", 0, false, false, 0, {}});

    // Nothing denied reached the subscriber: the first message it sees is the allowed one.
    v3.send(wire::publish{"chat/ok", "fine", 1, false, false, 5, {}});
    EXPECT_EQ(v3.expect<wire::puback>().packet_id, 5);
    auto got = sub.expect<wire::publish>();
    EXPECT_EQ(got.topic, "chat/ok");
    auto text = n.metrics_text();
    EXPECT_NE(text.find(R"(runnel_auth_denied_total{protocol="mqtt",action="publish"} 6)"), std::string::npos) << text;
}

TEST_F(authz_mqtt, will_topic_needs_a_publish_grant) {
    auto tok = token("willy", {{"chat/#", sub_pub}, {"status/+", static_cast<auth::action_set>(auth::action::subscribe)}});
    wire::will_message w{"status/willy", "gone", 0, false, {}};
    test::mqtt_test_client v5(port());
    auto a5 = connect(v5, "will5", tok, wire::version::v5, false, w);
    EXPECT_EQ(a5.reason_code, wire::reason::not_authorized);
    ASSERT_TRUE(a5.props.reason_string);
    EXPECT_TRUE(v5.closed_by_server());
    test::mqtt_test_client v3(port(), wire::version::v311);
    EXPECT_EQ(connect(v3, "will3", tok, wire::version::v311, false, w).reason_code, wire::reason::not_authorized); // rc 5
    EXPECT_TRUE(v3.closed_by_server());
    w.topic = "chat/willy";
    test::mqtt_test_client ok(port());
    EXPECT_EQ(connect(ok, "will-ok", tok, wire::version::v5, false, w).reason_code, wire::reason::success);
}

TEST_F(authz_mqtt, a_will_on_a_server_channel_is_refused_whatever_the_grants) {
    // A will is published by the server later: it must not forge presence events or $SYS.
    auto tok = token("forger", {{"#", sub_pub}, {"$presence/#", sub_pub}, {"$SYS/#", sub_pub}});
    for (const char* topic : {"$presence/room", "$SYS/broker/uptime"}) {
        wire::will_message w{topic, R"({"action":"join","client":"ceo"})", 0, false, {}};
        test::mqtt_test_client c(port());
        auto a = connect(c, "forger", tok, wire::version::v5, false, w);
        EXPECT_EQ(a.reason_code, wire::reason::not_authorized) << topic;
        ASSERT_TRUE(a.props.reason_string) << topic;
        EXPECT_NE(a.props.reason_string->find("server's"), std::string::npos) << *a.props.reason_string;
    }
}

TEST_F(authz_mqtt, authentication_method_jwt_connects_and_bad_tokens_get_0x86) {
    test::mqtt_test_client c(port());
    auto ack = connect(c, "jwt", token("j", {{"#", sub_pub}}), wire::version::v5, true);
    EXPECT_EQ(ack.reason_code, wire::reason::success);
    EXPECT_EQ(ack.props.authentication_method, std::optional<std::string>("jwt"));

    test::mqtt_test_client expired(port());
    auto bad = connect(expired, "old", token("j", {{"#", sub_pub}}, -5), wire::version::v5, true);
    EXPECT_EQ(bad.reason_code, wire::reason::bad_user_name_or_password);
    ASSERT_TRUE(bad.props.reason_string);
    EXPECT_NE(bad.props.reason_string->find("expired"), std::string::npos) << *bad.props.reason_string;

    test::mqtt_test_client other(port());
    wire::connect p;
    p.ver = wire::version::v5;
    p.client_id = "scram";
    p.props.authentication_method = "SCRAM-SHA-1";
    other.send(p);
    EXPECT_EQ(other.expect<wire::connack>().reason_code, wire::reason::bad_authentication_method);

    test::mqtt_test_client anon(port()); // anonymous is off
    EXPECT_EQ(anon.connect("anon").reason_code, wire::reason::not_authorized);
}

TEST_F(authz_mqtt, an_expired_token_ends_the_session_with_0xa0_v5_and_a_close_v311) {
    auto grants = std::vector<auth::grant>{{"#", sub_pub}};
    test::mqtt_test_client v5(port()), v3(port(), wire::version::v311);
    auto tok = token("short", grants, 2);
    ASSERT_EQ(connect(v5, "exp5", tok).reason_code, wire::reason::success);
    ASSERT_EQ(connect(v3, "exp3", tok, wire::version::v311).reason_code, wire::reason::success);
    auto d = v5.expect<wire::disconnect>(); // within the client's 5 s read deadline
    EXPECT_EQ(d.reason_code, wire::reason::maximum_connect_time);
    EXPECT_EQ(d.props.reason_string, std::optional<std::string>("token expired"));
    EXPECT_TRUE(v3.closed_by_server());
}

TEST_F(authz_mqtt, re_authentication_extends_the_session_past_the_first_exp) {
    auto grants = std::vector<auth::grant>{{"#", sub_pub}};
    test::mqtt_test_client c(port());
    auto first_exp = now_s() + 2;
    ASSERT_EQ(connect(c, "re", token("bob", grants, 2), wire::version::v5, true).reason_code, wire::reason::success);
    wire::auth a{reauthenticate, {}};
    a.props.authentication_method = "jwt";
    a.props.authentication_data = token("bob", grants, 600);
    c.send(a);
    auto ok = c.expect<wire::auth>();
    EXPECT_EQ(ok.reason_code, wire::reason::success);
    EXPECT_EQ(ok.props.authentication_method, std::optional<std::string>("jwt"));
    // Still connected once the first token is past: pings answered until then and after.
    while (now_s() <= first_exp + 1) {
        c.send(wire::pingreq{});
        ASSERT_TRUE(std::holds_alternative<wire::pingresp>(c.next().value_or(wire::packet{wire::disconnect{}})));
        std::this_thread::sleep_for(200ms);
    }
    c.send(wire::pingreq{});
    ASSERT_TRUE(std::holds_alternative<wire::pingresp>(c.next().value_or(wire::packet{wire::disconnect{}})));
}

TEST_F(authz_mqtt, re_authentication_with_another_subject_or_method_disconnects) {
    auto grants = std::vector<auth::grant>{{"#", sub_pub}};
    {
        test::mqtt_test_client c(port());
        ASSERT_EQ(connect(c, "re1", token("bob", grants), wire::version::v5, true).reason_code, wire::reason::success);
        wire::auth a{reauthenticate, {}};
        a.props.authentication_method = "jwt";
        a.props.authentication_data = token("mallory", grants);
        c.send(a);
        auto d = c.expect<wire::disconnect>();
        EXPECT_EQ(d.reason_code, wire::reason::not_authorized);
        ASSERT_TRUE(d.props.reason_string);
        EXPECT_NE(d.props.reason_string->find("another subject"), std::string::npos) << *d.props.reason_string;
    }
    {
        test::mqtt_test_client c(port());
        ASSERT_EQ(connect(c, "re2", token("bob", grants), wire::version::v5, true).reason_code, wire::reason::success);
        wire::auth a{reauthenticate, {}};
        a.props.authentication_method = "other";
        a.props.authentication_data = token("bob", grants);
        c.send(a);
        EXPECT_EQ(c.expect<wire::disconnect>().reason_code, wire::reason::bad_authentication_method);
    }
    {
        test::mqtt_test_client c(port()); // connected with a password token: no AUTH allowed
        ASSERT_EQ(connect(c, "re3", token("bob", grants)).reason_code, wire::reason::success);
        wire::auth a{reauthenticate, {}};
        a.props.authentication_method = "jwt";
        a.props.authentication_data = token("bob", grants);
        c.send(a);
        EXPECT_EQ(c.expect<wire::disconnect>().reason_code, wire::reason::protocol_error);
    }
}

TEST_F(authz_mqtt, revocation_cuts_live_sessions_within_100ms) {
    auto grants = std::vector<auth::grant>{{"#", sub_pub}};
    test::mqtt_test_client v5(port()), v3(port(), wire::version::v311), other(port());
    ASSERT_EQ(connect(v5, "rv5", token("victim", grants, 600, "jti-5")).reason_code, wire::reason::success);
    ASSERT_EQ(connect(v3, "rv3", token("victim", grants), wire::version::v311).reason_code, wire::reason::success);
    ASSERT_EQ(connect(other, "bystander", token("bystander", grants)).reason_code, wire::reason::success);

    std::string response;
    auto sent = std::chrono::steady_clock::now();
    // `before` one second ahead: the tokens above may carry this very second as their iat.
    const auto body = R"({"sub": "victim", "before": )" + std::to_string(now_s() + 1) + "}";
    std::thread post([&] { response = revoke(body); });
    auto d = v5.next();
    auto took = std::chrono::steady_clock::now() - sent;
    post.join();
    ASSERT_TRUE(d && std::holds_alternative<wire::disconnect>(*d));
    EXPECT_EQ(std::get<wire::disconnect>(*d).reason_code, wire::reason::administrative_action);
    EXPECT_EQ(std::get<wire::disconnect>(*d).props.reason_string, std::optional<std::string>("token revoked"));
    EXPECT_LT(took, 100ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_TRUE(v3.closed_by_server());
    EXPECT_NE(response.find(" 200 "), std::string::npos) << response;
    // The bystander is untouched; the revoked token is refused on reconnect.
    other.send(wire::pingreq{});
    EXPECT_TRUE(std::holds_alternative<wire::pingresp>(other.next().value_or(wire::packet{wire::disconnect{}})));
    test::mqtt_test_client again(port());
    EXPECT_EQ(connect(again, "rv5", token("victim", grants, 600, "jti-5")).reason_code,
              wire::reason::bad_user_name_or_password);
}

TEST_F(authz_mqtt, a_resumed_session_loses_the_subscriptions_its_new_token_does_not_cover) {
    auto wide = token("carol", {{"#", sub_pub}});
    auto narrow = token("carol", {{"chat/a", sub_pub}});
    {
        test::mqtt_test_client c(port());
        ASSERT_EQ(connect(c, "carol", wide, wire::version::v5, false, std::nullopt, true, 600).reason_code,
                  wire::reason::success);
        c.send(wire::subscribe{1, {{"chat/a", 1}, {"chat/#", 1}}, {}});
        EXPECT_EQ(c.expect<wire::suback>().reason_codes, (std::vector<std::uint8_t>{1, 1}));
        c.send(wire::disconnect{});
        EXPECT_TRUE(c.closed_by_server());
    }
    test::mqtt_test_client c(port());
    auto ack = connect(c, "carol", narrow, wire::version::v5, false, std::nullopt, false, 600);
    ASSERT_EQ(ack.reason_code, wire::reason::success);
    EXPECT_TRUE(ack.session_present);
    test::mqtt_test_client pub(port());
    ASSERT_EQ(connect(pub, "pub", wide).reason_code, wire::reason::success);
    pub.send(wire::publish{"chat/b", "no", 1, false, false, 1, {}});
    // chat/# is gone: nobody holds a matching subscription any more.
    EXPECT_EQ(pub.expect<wire::puback>().reason_code, wire::reason::no_matching_subscribers);
    pub.send(wire::publish{"chat/a", "yes", 1, false, false, 2, {}});
    EXPECT_EQ(pub.expect<wire::puback>().reason_code, wire::reason::success);
    auto got = c.expect<wire::publish>();
    EXPECT_EQ(got.topic, "chat/a");
}

} // namespace
