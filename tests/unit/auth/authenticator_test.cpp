#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/revocations.hpp"

#include <gtest/gtest.h>

namespace runnel::auth {
namespace {

constexpr std::int64_t now = 1'800'000'000;

struct fixture {
    key k = generate_eddsa_key("main");
    revocation_list revoked;
    static_authenticator authn{options(), &revoked, [] { return now; }};

    static_options options() {
        static_options o;
        o.anonymous_grants = grant_set({{"public/#", static_cast<action_set>(action::subscribe)}});
        o.users = {{"svc", "pw", "", grant_set({{"svc/{sub}/#", static_cast<action_set>(action::publish)}})}};
        o.keys = {k};
        o.certificate_grants = grant_set({{"devices/{sub}/#", action::publish | action::subscribe}});
        return o;
    }
    std::string token(std::string sub, std::string jti = "j1", std::optional<std::int64_t> iat = now) {
        claims c;
        c.sub = std::move(sub);
        c.jti = std::move(jti);
        c.iat = iat;
        c.exp = now + 600;
        c.grants = grant_set({{"chat/#", action::subscribe | action::publish}});
        return sign(c, k);
    }
};

TEST(authenticator, a_token_in_any_slot_gives_its_subject_grants_and_expiry) {
    fixture f;
    credentials bearer;
    bearer.token = f.token("alice");
    credentials mqtt;
    mqtt.username = "whatever";
    mqtt.password = f.token("alice");
    for (const auto& c : {bearer, mqtt}) {
        auto id = f.authn.authenticate(c);
        ASSERT_TRUE(id);
        EXPECT_EQ(id->subject, "alice");
        EXPECT_EQ(id->source, identity_source::token);
        EXPECT_TRUE(id->may(action::publish, "chat/1"));
        EXPECT_FALSE(id->may(action::history, "chat/1"));
        EXPECT_EQ(id->expires_at, now + 600 + 30);
        EXPECT_EQ(id->jti, "j1");
        EXPECT_EQ(id->kid, "main");
    }
}

TEST(authenticator, a_bad_or_revoked_token_is_refused_with_a_reason) {
    fixture f;
    credentials c;
    c.token = "eyJhbGciOiJIUzI1NiJ9.e30.AAAA";
    std::string why;
    EXPECT_EQ(f.authn.authenticate(c, &why).error(), make_error_code(errc::bad_credentials));
    EXPECT_FALSE(why.empty());
    c.token = f.token("alice", "j7");
    EXPECT_TRUE(f.authn.authenticate(c));
    f.revoked.add({revocation::kind::jti, "j7", 0, now + 100});
    EXPECT_FALSE(f.authn.authenticate(c, &why));
    EXPECT_EQ(why, "token revoked");
    // A token without iat counts as issued max_token_ttl before its exp for subject cuts.
    c.token = f.token("bob", "j8", std::nullopt);
    auto id = f.authn.authenticate(c);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->issued_at, now + 600 - 86400);
    f.revoked.add({revocation::kind::subject, "bob", now, now + 86400});
    EXPECT_FALSE(f.authn.authenticate(c, &why));
}

TEST(authenticator, users_certificates_and_anonymous_get_config_grants) {
    fixture f;
    credentials user;
    user.username = "svc";
    user.password = "pw";
    auto u = f.authn.authenticate(user);
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->may(action::publish, "svc/svc/x"));
    EXPECT_FALSE(u->may(action::publish, "svc/other/x"));
    user.password = "nope";
    EXPECT_EQ(f.authn.authenticate(user).error(), make_error_code(errc::bad_credentials));

    credentials cert;
    cert.certificate_subject = "dev-7";
    auto d = f.authn.authenticate(cert);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->source, identity_source::certificate);
    EXPECT_TRUE(d->may(action::subscribe, "devices/dev-7/#"));
    EXPECT_FALSE(d->may(action::subscribe, "devices/+/#"));

    credentials anon;
    std::string why;
    EXPECT_EQ(f.authn.authenticate(anon, &why).error(), make_error_code(errc::not_authorized));
    EXPECT_EQ(why, "anonymous access is allowed on loopback only: present a token");
    anon.loopback = true;
    auto a = f.authn.authenticate(anon);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->anonymous);
    EXPECT_TRUE(a->may(action::subscribe, "public/x"));
    EXPECT_FALSE(a->may(action::publish, "public/x"));
}

TEST(authenticator, refresh_keeps_the_subject) {
    fixture f;
    credentials c;
    c.token = f.token("alice");
    auto id = f.authn.authenticate(c);
    ASSERT_TRUE(id);
    EXPECT_TRUE(f.authn.refresh(*id, f.token("alice", "j2")));
    std::string why;
    EXPECT_FALSE(f.authn.refresh(*id, f.token("mallory", "j3"), &why));
    EXPECT_EQ(why, "the new token names another subject (mallory)");
}

TEST(authenticator, without_keys_tokens_are_refused_and_passwords_stay_passwords) {
    static_options o;
    o.users = {{"u", "eyJhbGciOiJIUzI1NiJ9.e30.AAAAAAAAAA", "", {}}};
    static_authenticator a(o);
    credentials c;
    c.username = "u";
    c.password = "eyJhbGciOiJIUzI1NiJ9.e30.AAAAAAAAAA"; // looks like a JWT, but no keys: a password
    EXPECT_TRUE(a.authenticate(c));
    credentials t;
    t.token = "eyJhbGciOiJIUzI1NiJ9.e30.AAAAAAAAAA";
    std::string why;
    EXPECT_FALSE(a.authenticate(t, &why));
    EXPECT_EQ(why, "this server accepts no tokens (auth.keys is empty)");
}

} // namespace
} // namespace runnel::auth
