#include "revocation_request.hpp"

#include <gtest/gtest.h>

namespace runnel::gateway::http {
namespace {

constexpr std::int64_t now = 1'800'000'000;
constexpr std::int64_t ttl = 86400, skew = 30;

TEST(revocation_request, entries_expire_when_no_covered_token_can_still_be_valid) {
    std::string error;
    auto jti = parse_revocation(R"({"jti":"t1"})", now, ttl, skew, error);
    ASSERT_TRUE(jti) << error;
    EXPECT_EQ(jti->expires, now + ttl + skew);
    auto with_exp = parse_revocation(R"({"jti":"t1","exp":1800000100})", now, ttl, skew, error);
    ASSERT_TRUE(with_exp) << error;
    EXPECT_EQ(with_exp->expires, now + 100 + skew);
    auto sub = parse_revocation(R"({"sub":"bob"})", now, ttl, skew, error);
    ASSERT_TRUE(sub) << error;
    EXPECT_EQ(sub->before, now);
    EXPECT_EQ(sub->expires, now + ttl + skew);
    auto kid = parse_revocation(R"({"kid":"old"})", now, ttl, skew, error);
    ASSERT_TRUE(kid) << error;
    EXPECT_EQ(kid->expires, 0); // never
}

TEST(revocation_request, without_a_token_lifetime_bound_entries_never_expire) {
    // auth.require_exp: false: a token without exp is valid forever, so is its revocation.
    std::string error;
    auto jti = parse_revocation(R"({"jti":"t1"})", now, 0, skew, error);
    ASSERT_TRUE(jti) << error;
    EXPECT_EQ(jti->expires, 0);
    auto sub = parse_revocation(R"({"sub":"bob","before":1799999000})", now, 0, skew, error);
    ASSERT_TRUE(sub) << error;
    EXPECT_EQ(sub->expires, 0);
    // A jti revocation that names the token's exp still ends with it.
    auto with_exp = parse_revocation(R"({"jti":"t1","exp":1800000100})", now, 0, skew, error);
    ASSERT_TRUE(with_exp) << error;
    EXPECT_EQ(with_exp->expires, now + 100 + skew);
}

TEST(revocation_request, bad_bodies_get_a_reason) {
    std::string error;
    for (const char* bad : {"", "[]", R"({})", R"({"jti":"a","sub":"b"})", R"({"jti":""})", R"({"kid":"k","before":1})",
                            R"({"sub":"b","before":"soon"})", R"({"jti":"a","extra":1})"}) {
        error.clear();
        EXPECT_FALSE(parse_revocation(bad, now, ttl, skew, error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
    }
}

} // namespace
} // namespace runnel::gateway::http
