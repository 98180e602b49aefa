#include "runnel/auth/grants.hpp"

#include <gtest/gtest.h>

namespace runnel::auth {
namespace {

TEST(grants, a_pattern_covers_names_it_matches) {
    EXPECT_TRUE(covers("chat/#", "chat/1"));
    EXPECT_TRUE(covers("chat/#", "chat"));          // # matches the parent level too
    EXPECT_TRUE(covers("chat/+", "chat/1"));
    EXPECT_TRUE(covers("#", "a/b/c"));
    EXPECT_FALSE(covers("chat/+", "chat/1/2"));
    EXPECT_FALSE(covers("chat/+", "chat"));
    EXPECT_FALSE(covers("chat/1", "chat/2"));
    EXPECT_FALSE(covers("chat/#", "chatter"));
}

TEST(grants, a_wildcard_filter_needs_a_pattern_covering_all_of_it) {
    EXPECT_TRUE(covers("chat/#", "chat/+"));
    EXPECT_TRUE(covers("chat/#", "chat/#"));
    EXPECT_TRUE(covers("chat/+/x", "chat/+/x"));
    EXPECT_TRUE(covers("#", "#"));
    EXPECT_FALSE(covers("chat/+", "chat/#"));       // # also matches chat/1/2
    EXPECT_FALSE(covers("chat/1", "chat/+"));
    EXPECT_FALSE(covers("chat/+/#", "chat/#"));     // chat/# matches chat itself
    EXPECT_FALSE(covers("a/+", "+/b"));
    EXPECT_FALSE(covers("+", "#"));
}

TEST(grants, dollar_names_need_a_literal_pattern) {
    EXPECT_FALSE(covers("#", "$SYS/broker/uptime"));
    EXPECT_FALSE(covers("+/broker/#", "$SYS/broker/x"));
    EXPECT_TRUE(covers("$SYS/#", "$SYS/broker/uptime"));
    EXPECT_TRUE(covers("#", "+/x")); // a leading + never matches $ names, so # covers it
}

TEST(grants, allows_checks_action_and_pattern_of_one_grant) {
    grant_set g({{"chat/#", action::subscribe | action::publish}, {"news/+", static_cast<action_set>(action::history)}});
    EXPECT_TRUE(g.allows(action::publish, "chat/room"));
    EXPECT_TRUE(g.allows(action::subscribe, "chat/#"));
    EXPECT_FALSE(g.allows(action::history, "chat/room"));
    EXPECT_TRUE(g.allows(action::history, "news/today"));
    EXPECT_FALSE(g.allows(action::subscribe, "news/today"));
    EXPECT_FALSE(g.allows(action::subscribe, "#")); // chat/# and news/+ do not cover everything
    EXPECT_FALSE(g.any(action::admin));
    EXPECT_FALSE(grant_set().allows(action::publish, "x"));
}

TEST(grants, actions_parse_and_print) {
    EXPECT_EQ(parse_actions("subscribe, publish"), action::subscribe | action::publish);
    std::string bad;
    EXPECT_FALSE(parse_actions("subscribe,fly", &bad));
    EXPECT_EQ(bad, "fly");
    EXPECT_FALSE(parse_actions(""));
    EXPECT_EQ(to_string(action::history | action::admin), "history,admin");
}

TEST(grants, sub_placeholder_is_replaced_and_never_widens) {
    grant_set g({{"devices/{sub}/#", action::publish | action::subscribe}, {"public/#", static_cast<action_set>(action::subscribe)}});
    auto d = g.for_subject("dev-1");
    EXPECT_TRUE(d.allows(action::publish, "devices/dev-1/temp"));
    EXPECT_FALSE(d.allows(action::publish, "devices/dev-2/temp"));
    for (const char* sneaky : {"+", "#", "a/b", ""}) {
        auto s = g.for_subject(sneaky);
        ASSERT_EQ(s.list().size(), 1u) << sneaky; // only the grant without {sub} is left
        EXPECT_EQ(s.list()[0].pattern, "public/#");
    }
}

} // namespace
} // namespace runnel::auth
