// Who an HTTP request is and what it may do (authorize.cpp): tokens from Bearer or ?token=,
// anonymous access and its loopback rule, 401 vs 403, whole-filter grants, expiry.
#include "authorize.hpp"

#include "runnel/auth/revocations.hpp"

#include <boost/beast/http/field.hpp>

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::gateway::http;
namespace bhttp = boost::beast::http;
using sys_clock = std::chrono::system_clock;

namespace {

constexpr std::int64_t T = 1'800'000'000; // "now" for the authenticator and the requests

auth::key hs_key() { return auth::key{"legacy", auth::key_alg::hs256, {}, {}, std::string(32, 's')}; }

sys_clock::time_point at(std::int64_t unix_s) { return sys_clock::time_point(std::chrono::seconds(unix_s)); }

struct http_authorize : ::testing::Test {
    auth::revocation_list revoked;
    auth::static_options opts = [] {
        auth::static_options o;
        o.keys = {hs_key()};
        o.tokens.clock_skew = 0;
        o.anonymous_grants = auth::grant_set({{"pub/#", auth::all_channel_actions}});
        return o;
    }();
    std::unique_ptr<auth::static_authenticator> authn = make();

    std::unique_ptr<auth::static_authenticator> make() {
        return std::make_unique<auth::static_authenticator>(opts, &revoked, [] { return T; });
    }

    static std::string token(std::string sub, std::vector<auth::grant> grants, std::int64_t exp = T + 600,
                             std::string jti = "j1") {
        auth::claims c;
        c.sub = std::move(sub);
        c.jti = std::move(jti);
        c.iat = T - 10;
        c.exp = exp;
        c.grants = auth::grant_set(std::move(grants));
        return auth::sign(c, hs_key());
    }

    static request_t req(std::string target, std::optional<std::string> bearer = std::nullopt) {
        request_t r{bhttp::verb::get, target, 11};
        if (bearer) r.set(bhttp::field::authorization, "Bearer " + *bearer);
        return r;
    }

    std::variant<auth::identity, denial> who(const request_t& r, bool loopback = false) {
        return identify(*authn, r, loopback, at(T));
    }
};

const denial& refused(const std::variant<auth::identity, denial>& v) {
    static const denial none{0, "accepted", "none"};
    return std::holds_alternative<denial>(v) ? std::get<denial>(v) : none;
}

} // namespace

TEST_F(http_authorize, a_bearer_token_or_a_query_token_names_the_subject) {
    auto tok = token("alice", {{"chat/#", auth::all_channel_actions}});
    for (const auto& r : {req("/v1/channels/chat%2F1/messages", tok), req("/v1/subscribe?channel=x&token=" + tok)}) {
        auto v = who(r);
        ASSERT_TRUE(std::holds_alternative<auth::identity>(v)) << refused(v).message;
        EXPECT_EQ(std::get<auth::identity>(v).subject, "alice");
        EXPECT_EQ(std::get<auth::identity>(v).expires_at, T + 600);
    }
}

TEST_F(http_authorize, no_token_is_anonymous_only_where_the_authenticator_allows_it) {
    auto v = who(req("/v1/subscribe?channel=x"), true);
    ASSERT_TRUE(std::holds_alternative<auth::identity>(v));
    EXPECT_TRUE(std::get<auth::identity>(v).anonymous);
    // Loopback only by default: another address must present a token.
    auto off = refused(who(req("/v1/subscribe?channel=x"), false));
    EXPECT_EQ(off.status, 401u);
    EXPECT_EQ(off.action, "connect");
    EXPECT_NE(off.message.find("loopback"), std::string::npos) << off.message;
    opts.anonymous = false;
    authn = make();
    EXPECT_EQ(refused(who(req("/x"), true)).status, 401u);
}

TEST_F(http_authorize, bad_expired_and_revoked_tokens_are_401_with_the_reason) {
    auto good = token("alice", {{"#", auth::all_channel_actions}});
    auto forged = good.substr(0, good.rfind('.') + 1) + "AAAA";
    EXPECT_EQ(refused(who(req("/x", forged))).status, 401u);
    EXPECT_EQ(refused(who(req("/x", "not-a-jwt"))).status, 401u);
    EXPECT_EQ(refused(who(req("/x", token("alice", {}, T - 1)))).message, "token expired");
    // The last second the authenticator still takes: the session would end at once.
    EXPECT_EQ(refused(who(req("/x", token("alice", {}, T)))).message, "token expired");
    // Another scheme, or two tokens that disagree.
    auto basic = req("/x");
    basic.set(bhttp::field::authorization, "Basic YTpi");
    EXPECT_EQ(refused(who(basic)).status, 401u);
    EXPECT_EQ(refused(who(req("/x?token=" + token("bob", {}), good))).status, 401u);
    // A query that does not decode is a bad request, whatever it held.
    auto garbled = refused(who(req("/v1/subscribe?channel=a%ZZ", good)));
    EXPECT_EQ(garbled.status, 400u);
    EXPECT_FALSE(garbled.counted());
    EXPECT_TRUE(refused(who(req("/x", forged))).counted());
    // A token never falls back to anonymous, even where anonymous is allowed.
    EXPECT_EQ(refused(identify(*authn, req("/x", forged), true, at(T))).status, 401u);

    revoked.add({auth::revocation::kind::jti, "j1", 0, T + 600});
    EXPECT_EQ(refused(who(req("/x", good))).message, "token revoked");
}

TEST_F(http_authorize, a_missing_grant_is_403_naming_the_action_and_the_channel) {
    auth::identity id;
    id.grants = auth::grant_set({{"chat/#", auth::action::subscribe | auth::action::publish}, {"news/+", static_cast<auth::action_set>(auth::action::history)}});
    EXPECT_FALSE(authorize(id, auth::action::publish, "chat/1"));
    EXPECT_FALSE(authorize(id, auth::action::history, "news/today"));
    auto d = authorize(id, auth::action::history, "chat/1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 403u);
    EXPECT_EQ(d->message, "no history grant for chat/1");
    EXPECT_EQ(d->action, "history");
    EXPECT_EQ(authorize(id, auth::action::publish, "other")->message, "no publish grant for other");
    // Several channels: the first one refused is named.
    std::vector<std::string> filters{"chat/+", "chat/#", "news/x"};
    EXPECT_EQ(authorize(id, auth::action::subscribe, filters)->message, "no subscribe grant for news/x");
}

TEST_F(http_authorize, a_wildcard_filter_needs_one_pattern_covering_all_of_it) {
    auth::identity id;
    id.grants = auth::grant_set({{"chat/+", auth::all_channel_actions}, {"chat/+/+", auth::all_channel_actions},
                                 {"#", static_cast<auth::action_set>(auth::action::publish)}});
    EXPECT_FALSE(authorize(id, auth::action::subscribe, "chat/+"));
    EXPECT_FALSE(authorize(id, auth::action::subscribe, "chat/a/+"));
    // chat/+ and chat/+/+ together still do not allow chat/#.
    EXPECT_TRUE(authorize(id, auth::action::subscribe, "chat/#"));
    // A shared subscription is checked as its filter.
    EXPECT_FALSE(authorize(id, auth::action::subscribe, "$share/g/chat/+"));
    EXPECT_TRUE(authorize(id, auth::action::subscribe, "$share/g/chat/#"));
    EXPECT_EQ(grant_filter("$share/g/chat/+"), "chat/+");
    EXPECT_EQ(grant_filter("chat/+"), "chat/+");
    // `#` does not reach `$` channels.
    EXPECT_TRUE(authorize(id, auth::action::publish, "$SYS/x"));
    EXPECT_FALSE(authorize(id, auth::action::publish, "any/thing"));
    // Publish and history name a channel, never a shared subscription: "$share/g/x" is a `$`
    // channel, which neither `#` nor a grant on `x` covers.
    EXPECT_TRUE(authorize(id, auth::action::publish, "$share/g/any"));
    auth::identity x;
    x.grants = auth::grant_set({{"x", auth::action::publish | auth::action::history}});
    EXPECT_TRUE(authorize(x, auth::action::publish, "$share/g/x"));
    EXPECT_TRUE(authorize(x, auth::action::history, "$share/g/x"));
    EXPECT_FALSE(authorize(x, auth::action::publish, "x"));
}

TEST_F(http_authorize, presence_events_are_read_with_the_presence_grant_only) {
    auth::identity id;
    id.grants = auth::grant_set({{"#", auth::action::subscribe | auth::action::publish},
                                 {"$presence/#", auth::action::subscribe | auth::action::history},
                                 {"room/1", static_cast<auth::action_set>(auth::action::presence)}});
    // A subscribe or history grant on $presence/... opens nothing (found in review: history of
    // $presence/x was served without the presence grant).
    EXPECT_EQ(authorize(id, auth::action::history, "$presence/hist")->message, "no presence grant for $presence/hist");
    EXPECT_TRUE(authorize(id, auth::action::subscribe, "$presence/hist"));
    // The presence grant on the channel opens its events, live and from history.
    EXPECT_FALSE(authorize(id, auth::action::subscribe, "$presence/room/1"));
    EXPECT_FALSE(authorize(id, auth::action::history, "$presence/room/1"));
}

TEST_F(http_authorize, denials_answer_in_the_json_error_shape_and_401_names_bearer) {
    auto unauth = denial_response(denial{401, "token expired"}, true);
    EXPECT_EQ(unauth.result_int(), 401u);
    EXPECT_EQ(unauth[bhttp::field::www_authenticate], "Bearer realm=\"runnel\"");
    EXPECT_EQ(unauth.body(), R"({"error":{"code":401,"message":"token expired"}})");
    EXPECT_TRUE(unauth.keep_alive());
    auto forbidden = denial_response(denial{403, "no publish grant for chat/1", "publish"}, false);
    EXPECT_EQ(forbidden.result_int(), 403u);
    EXPECT_EQ(forbidden.count(bhttp::field::www_authenticate), 0u);
    EXPECT_EQ(forbidden.body(), R"({"error":{"code":403,"message":"no publish grant for chat/1"}})");
}

TEST_F(http_authorize, a_session_ends_when_its_token_does) {
    auth::identity anon;
    EXPECT_FALSE(expiry(anon));
    EXPECT_FALSE(expired(anon, at(T + 1'000'000)));
    EXPECT_EQ(steady_expiry(anon), std::chrono::steady_clock::time_point::max());
    auth::identity tok;
    tok.expires_at = T + 5;
    EXPECT_FALSE(expired(tok, at(T + 4)));
    EXPECT_TRUE(expired(tok, at(T + 5)));
    // On the steady clock: a token that ended in the past is due already.
    tok.expires_at = auth::unix_now() - 1;
    EXPECT_LE(steady_expiry(tok), std::chrono::steady_clock::now());
    tok.expires_at = auth::unix_now() + 3600;
    EXPECT_GT(steady_expiry(tok), std::chrono::steady_clock::now() + std::chrono::minutes(59));
}
