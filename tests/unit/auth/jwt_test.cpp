#include "claims_json.hpp"
#include "runnel/auth/base64.hpp"
#include "runnel/auth/token.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace runnel::auth {
namespace {

constexpr std::int64_t now = 1'800'000'000;

claims sample() {
    claims c;
    c.sub = "alice";
    c.jti = "t-1";
    c.iat = now;
    c.exp = now + 900;
    c.grants = grant_set({{"chat/#", action::subscribe | action::publish}});
    return c;
}

key hs_key(std::string kid = "legacy") { return key{std::move(kid), key_alg::hs256, {}, {}, std::string(32, 's')}; }

std::optional<claims> check(const std::string& tok, const keyring& ring, std::string* reason = nullptr,
                            std::int64_t at = now) {
    token_error why;
    auto c = verify(tok, ring, at, verify_options{}, why);
    if (reason) *reason = why.reason;
    return c;
}

/// Re-encodes the token with another payload, keeping the signature.
std::string with_payload(const std::string& tok, std::string_view json) {
    auto d1 = tok.find('.');
    auto d2 = tok.find('.', d1 + 1);
    return tok.substr(0, d1 + 1) + to_base64url(json) + tok.substr(d2);
}

TEST(jwt, eddsa_and_hs256_round_trip_with_grants) {
    auto ed = generate_eddsa_key("main");
    keyring ring({ed, hs_key()});
    for (const auto& k : {ed, hs_key()}) {
        auto c = check(sign(sample(), k), ring);
        ASSERT_TRUE(c) << to_string(k.alg);
        EXPECT_EQ(c->sub, "alice");
        EXPECT_EQ(c->jti, "t-1");
        EXPECT_EQ(c->kid, k.kid);
        EXPECT_EQ(c->exp, now + 900);
        EXPECT_EQ(c->grants, sample().grants);
    }
}

TEST(jwt, a_changed_payload_or_signature_or_key_is_refused) {
    auto ed = generate_eddsa_key("main");
    auto tok = sign(sample(), ed);
    std::string why;
    EXPECT_FALSE(check(with_payload(tok, R"({"sub":"mallory","exp":1800000900,"grants":{"#":["admin"]}})"), keyring({ed}), &why));
    EXPECT_EQ(why, "bad token signature");
    auto flipped = tok;
    flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(check(flipped, keyring({ed}), &why));
    auto other = generate_eddsa_key("main");
    EXPECT_FALSE(check(tok, keyring({other}), &why));
    EXPECT_EQ(why, "bad token signature");
}

TEST(jwt, alg_must_match_the_key_and_none_is_refused) {
    auto ed = generate_eddsa_key("main");
    // HS256 signed with the Ed25519 public key bytes as the secret: the classic confusion.
    key confused{"main", key_alg::hs256, {}, {}, ed.public_key};
    std::string why;
    EXPECT_FALSE(check(sign(sample(), confused), keyring({ed}), &why));
    EXPECT_EQ(why, "kid 'main' is not an HS256 key");
    auto tok = sign(sample(), ed);
    auto none = to_base64url(R"({"alg":"none","kid":"main"})") + tok.substr(tok.find('.'));
    EXPECT_FALSE(check(none, keyring({ed}), &why));
    EXPECT_EQ(why, "token alg must be EdDSA or HS256");
}

TEST(jwt, kid_picks_the_key_while_rotating) {
    auto old_key = generate_eddsa_key("2025");
    auto new_key = generate_eddsa_key("2026");
    keyring both({old_key, new_key});
    EXPECT_TRUE(check(sign(sample(), old_key), both));
    EXPECT_TRUE(check(sign(sample(), new_key), both));
    std::string why;
    EXPECT_FALSE(check(sign(sample(), new_key), keyring({old_key}), &why));
    EXPECT_EQ(why, "unknown kid '2026'");
    auto anonymous_kid = new_key;
    anonymous_kid.kid.clear();
    EXPECT_TRUE(check(sign(sample(), anonymous_kid), keyring({new_key}))); // the only EdDSA key
    EXPECT_FALSE(check(sign(sample(), anonymous_kid), both, &why));
    EXPECT_EQ(why, "token has no kid and the server has no single EdDSA key");
}

TEST(jwt, time_claims_with_clock_skew) {
    auto k = hs_key();
    keyring ring({k});
    std::string why;
    auto tok = sign(sample(), k);
    EXPECT_TRUE(check(tok, ring, &why, now + 900 + 30));  // within the 30 s skew
    EXPECT_FALSE(check(tok, ring, &why, now + 900 + 31));
    EXPECT_EQ(why, "token expired");
    auto later = sample();
    later.nbf = now + 100;
    EXPECT_FALSE(check(sign(later, k), ring, &why));
    EXPECT_EQ(why, "token not valid yet (nbf)");
    EXPECT_TRUE(check(sign(later, k), ring, &why, now + 75));
    auto future = sample();
    future.iat = now + 120;
    EXPECT_FALSE(check(sign(future, k), ring, &why));
    EXPECT_EQ(why, "token issued in the future (iat)");
    auto forever = sample();
    forever.exp.reset();
    EXPECT_FALSE(check(sign(forever, k), ring, &why));
    EXPECT_EQ(why, "token has no exp");
    auto too_long = sample();
    too_long.exp = now + 2 * 86400;
    EXPECT_FALSE(check(sign(too_long, k), ring, &why));
    EXPECT_EQ(why, "token lifetime exceeds auth.max_token_ttl");
}

TEST(jwt, malformed_tokens_get_a_reason_not_a_crash) {
    auto k = hs_key();
    keyring ring({k});
    auto tok = sign(sample(), k);
    std::string why;
    for (std::string bad : {std::string(""), std::string("abc"), std::string("eyJ.x.y.z"), tok + "=",
                            with_payload(tok, "not json"), with_payload(tok, "[1,2]"),
                            with_payload(tok, R"({"sub":5})"), with_payload(tok, R"({"sub":"a","exp":"soon"})"),
                            with_payload(tok, R"({"sub":"a","grants":{"a/#/b":["publish"]}})"),
                            with_payload(tok, R"({"sub":"a","grants":{"a":["fly"]}})"),
                            with_payload(tok, R"({"sub":"a","grants":["a"]})"), with_payload(tok, R"({"exp":1})")}) {
        EXPECT_FALSE(check(bad, ring, &why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
    EXPECT_FALSE(looks_like_jwt("hunter2"));
    EXPECT_TRUE(looks_like_jwt(tok));
}

TEST(jwt, time_claims_out_of_range_are_refused_before_any_arithmetic) {
    // Signed by the right key: only the range check stands between these and signed overflow
    // in exp + skew and exp - iat (found in review).
    auto k = hs_key();
    keyring ring({k});
    std::string why;
    auto huge = sign_raw(R"({"alg":"HS256","kid":"legacy"})",
                         R"({"sub":"a","iat":-9223372036854775798,"exp":9223372036854775777})", k);
    EXPECT_FALSE(check(huge, ring, &why));
    EXPECT_EQ(why, "token claim exp is out of range (1970 to 9999)");
    auto negative = sign_raw(R"({"alg":"HS256","kid":"legacy"})", R"({"sub":"a","iat":-5,"exp":1800000100})", k);
    EXPECT_FALSE(check(negative, ring, &why));
    EXPECT_EQ(why, "token claim iat is out of range (1970 to 9999)");
    auto nbf = sign_raw(R"({"alg":"HS256","kid":"legacy"})",
                        R"({"sub":"a","exp":1800000100,"nbf":253402300800})", k);
    EXPECT_FALSE(check(nbf, ring, &why));
    EXPECT_EQ(why, "token claim nbf is out of range (1970 to 9999)");
}

TEST(jwt, grants_may_be_arrays_or_comma_strings) {
    token_error why;
    auto o = boost::json::parse(R"({"sub":"a","grants":{"x/+":"subscribe, history","y/#":["publish"]}})").as_object();
    auto c = detail::claims_from_json(o, why);
    ASSERT_TRUE(c) << why.reason;
    EXPECT_TRUE(c->grants.allows(action::history, "x/1"));
    EXPECT_TRUE(c->grants.allows(action::publish, "y/1/2"));
    EXPECT_FALSE(c->grants.allows(action::publish, "x/1"));
}

} // namespace
} // namespace runnel::auth
