#include "runnel/limits/guard.hpp"

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::limits;
using namespace std::chrono_literals;

namespace {

struct fixture {
    obs::registry reg;
    stats st{reg};
};

} // namespace

TEST(guard, message_size_first_matching_pattern_wins) {
    fixture f;
    guard g({.message_size = {{"big/#", 1000}, {"chat/+", 10}, {"#", 100}}}, f.st);
    EXPECT_EQ(g.max_message("big/x/y"), 1000u);
    EXPECT_EQ(g.max_message("chat/1"), 10u);
    EXPECT_EQ(g.max_message("chat/1/2"), 100u);
    EXPECT_FALSE(g.refuse_message("chat/1", 10));
    auto why = g.refuse_message("chat/1", 11);
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "message of 11 bytes is larger than the 10 bytes limits.message_size allows on chat/1");
    EXPECT_FALSE(g.refuse_message("big/x", 999));
    EXPECT_EQ(f.st.value(limit::message_size), 1u);
}

TEST(guard, no_rule_or_no_match_means_no_message_limit) {
    fixture f;
    guard none({}, f.st);
    EXPECT_FALSE(none.refuse_message("a", std::size_t{1} << 30));
    guard some({.message_size = {{"a/#", 1}}}, f.st);
    EXPECT_FALSE(some.max_message("b"));
    EXPECT_FALSE(some.refuse_message("b", 1000));
    EXPECT_EQ(f.st.value(limit::message_size), 0u);
}

TEST(guard, subscriptions_refused_at_the_maximum) {
    fixture f;
    guard g({.max_subscriptions = 3}, f.st);
    EXPECT_FALSE(g.refuse_subscription(0));
    EXPECT_FALSE(g.refuse_subscription(2));
    auto why = g.refuse_subscription(3);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("limits.max_subscriptions"), std::string::npos);
    EXPECT_EQ(f.st.value(limit::subscriptions), 1u);
    guard off({.max_subscriptions = 0}, f.st);
    EXPECT_FALSE(off.refuse_subscription(1'000'000));
}

TEST(guard, publish_bucket_and_refusal_text) {
    fixture f;
    guard g({.publish_rate = 2, .publish_burst = 1}, f.st);
    auto now = token_bucket::clock::now();
    auto b = g.publish_bucket(now);
    EXPECT_TRUE(b.try_take(now));
    EXPECT_FALSE(b.try_take(now));
    EXPECT_EQ(g.refuse_publish_rate(b.wait(now)),
              "publish rate above limits.publish_rate (2 messages/s per connection), retry in 500ms");
    EXPECT_EQ(f.st.value(limit::publish_rate), 1u);
    EXPECT_TRUE(guard({}, f.st).publish_bucket(now).unlimited());
}

TEST(guard, retry_after_rounds_up_to_whole_seconds) {
    EXPECT_EQ(retry_after(0ns), 1s);
    EXPECT_EQ(retry_after(1ms), 1s);
    EXPECT_EQ(retry_after(1s), 1s);
    EXPECT_EQ(retry_after(1001ms), 2s);
}
