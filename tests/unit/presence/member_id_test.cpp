// Who a connection is present as, under each `presence.members` rule.
#include "runnel/presence/hub.hpp"

#include <gtest/gtest.h>

namespace runnel::presence {
namespace {

auth::identity as(auth::identity_source source, std::string subject) {
    auth::identity who;
    who.source = source;
    who.subject = std::move(subject);
    who.anonymous = source == auth::identity_source::anonymous;
    return who;
}

TEST(member_id, a_token_subject_wins_under_every_rule) {
    auto who = as(auth::identity_source::token, "alice");
    EXPECT_EQ(member_id(who, "phone-1", member_ids::any), "alice");
    EXPECT_EQ(member_id(who, "phone-1", member_ids::verified), "alice");
}

TEST(member_id, any_takes_the_client_id_of_everyone_else) {
    EXPECT_EQ(member_id(as(auth::identity_source::anonymous, ""), "alice", member_ids::any), "alice");
    EXPECT_EQ(member_id(as(auth::identity_source::user, "bob"), "bob-laptop", member_ids::any), "bob-laptop");
    EXPECT_EQ(member_id(as(auth::identity_source::anonymous, ""), "", member_ids::any), "");
}

TEST(member_id, verified_never_takes_a_self_asserted_id) {
    // An anonymous client naming itself after a token holder is not a member at all.
    EXPECT_EQ(member_id(as(auth::identity_source::anonymous, ""), "alice", member_ids::verified), "");
    EXPECT_EQ(member_id(as(auth::identity_source::user, "bob"), "bob-laptop", member_ids::verified), "bob");
    EXPECT_EQ(member_id(as(auth::identity_source::certificate, "CN=sensor-7"), "x", member_ids::verified),
              "CN=sensor-7");
}

} // namespace
} // namespace runnel::presence
