#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/revocations.hpp"

#include <gtest/gtest.h>

namespace runnel::auth {
namespace {

identity token_id(std::string sub, std::string jti, std::string kid, std::int64_t iat) {
    identity id;
    id.subject = std::move(sub);
    id.source = identity_source::token;
    id.jti = std::move(jti);
    id.kid = std::move(kid);
    id.issued_at = iat;
    return id;
}

TEST(revocations, jti_subject_and_kid_each_cover_their_tokens) {
    revocation_list l;
    auto a = token_id("alice", "t1", "main", 100);
    auto b = token_id("bob", "t2", "main", 100);
    auto c = token_id("carol", "t3", "old", 100);
    EXPECT_FALSE(l.covers(a));
    ASSERT_TRUE(l.add({revocation::kind::jti, "t1", 0, 5000}));
    EXPECT_TRUE(l.covers(a));
    EXPECT_FALSE(l.covers(b));
    l.add({revocation::kind::subject, "bob", 99, 5000});
    EXPECT_FALSE(l.covers(b)); // issued at 100, after 99
    l.add({revocation::kind::subject, "bob", 100, 5000});
    EXPECT_TRUE(l.covers(b)); // issued in the very second of the cut: covered
    EXPECT_TRUE(l.covers(token_id("bob", "t9", "main", 50)));
    EXPECT_FALSE(l.covers(token_id("bob", "t9", "main", 200))); // a token minted after the cut
    l.add({revocation::kind::kid, "old", 0, 0});
    EXPECT_TRUE(l.covers(c));
    identity user{"alice", false, identity_source::user, {}};
    EXPECT_FALSE(l.covers(user)); // only tokens are revoked
}

TEST(revocations, adding_again_only_widens) {
    revocation_list l;
    EXPECT_TRUE(l.add({revocation::kind::jti, "t1", 0, 100}));
    EXPECT_FALSE(l.add({revocation::kind::jti, "t1", 0, 50}));
    auto wider = l.add({revocation::kind::jti, "t1", 0, 200});
    ASSERT_TRUE(wider);
    EXPECT_EQ(wider->expires, 200);
    EXPECT_FALSE(l.add({revocation::kind::subject, "s", 10, 100}) == std::nullopt);
    auto later = l.add({revocation::kind::subject, "s", 5, 100});
    EXPECT_FALSE(later); // an earlier cut adds nothing
    EXPECT_EQ(l.size(), 2u);
}

TEST(revocations, entries_expire_once_their_tokens_cannot_be_valid) {
    revocation_list l;
    l.add({revocation::kind::jti, "t1", 0, 100});
    l.add({revocation::kind::kid, "k", 0, 0});
    EXPECT_TRUE(l.expire(100).empty());
    auto gone = l.expire(101);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].value, "t1");
    EXPECT_EQ(l.size(), 1u); // a kid revocation never expires
}

TEST(revocations, entries_round_trip_through_the_store_encoding) {
    for (const auto& r : {revocation{revocation::kind::jti, "t/1", 0, 99}, revocation{revocation::kind::subject, "bob", 7, 8},
                          revocation{revocation::kind::kid, "main", 0, 0}}) {
        auto back = decode_revocation(revocation_key(r), encode_revocation(r));
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, r);
    }
    EXPECT_EQ(revocation_key({revocation::kind::subject, "bob", 0, 0}), "rev/sub/bob");
    EXPECT_FALSE(decode_revocation("rev/xyz/a", encode_revocation({})));
    EXPECT_FALSE(decode_revocation("rev/jti/a", "short"));
    EXPECT_FALSE(decode_revocation("other/jti/a", encode_revocation({})));
}

} // namespace
} // namespace runnel::auth
