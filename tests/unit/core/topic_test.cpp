#include "runnel/core/topic.hpp"

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::core;

TEST(topic, names_reject_wildcards_empty_and_nul) {
    EXPECT_EQ(validate_topic_name("a/b"), errc::ok);
    EXPECT_EQ(validate_topic_name("/"), errc::ok);
    EXPECT_EQ(validate_topic_name(""), errc::topic_invalid);
    EXPECT_EQ(validate_topic_name("a/+"), errc::topic_invalid);
    EXPECT_EQ(validate_topic_name("a/#"), errc::topic_invalid);
    EXPECT_EQ(validate_topic_name(std::string_view("a\0b", 3)), errc::bad_utf8);
}

TEST(topic, names_respect_length_and_level_limits) {
    topic_limits lim{.max_length = 5, .max_levels = 2};
    EXPECT_EQ(validate_topic_name("a/b", lim), errc::ok);
    EXPECT_EQ(validate_topic_name("a/b/c", lim), errc::topic_invalid);
    EXPECT_EQ(validate_topic_name("abcdef", lim), errc::topic_invalid);
}

TEST(topic, the_limits_bound_the_channel_a_presence_topic_carries_not_its_prefix) {
    topic_limits lim{.max_length = 5, .max_levels = 2};
    EXPECT_EQ(validate_topic_name("$presence/a/b", lim), errc::ok); // events of a/b, which fits
    EXPECT_EQ(validate_filter("$presence/a/+", lim), errc::ok);
    EXPECT_EQ(validate_filter("$presence/#", lim), errc::ok);
    EXPECT_EQ(validate_topic_name("$presence/a/b/c", lim), errc::topic_invalid);
    EXPECT_EQ(validate_filter("$presence/abcdef", lim), errc::filter_invalid);
    EXPECT_EQ(validate_topic_name("$presencex/a", lim), errc::topic_invalid); // not the prefix
    EXPECT_EQ(validate_filter("$presence/", lim), errc::filter_invalid);     // 2 levels, 10 bytes
}

TEST(topic, utf8_rejects_overlong_surrogates_and_truncation) {
    EXPECT_TRUE(valid_mqtt_utf8("h\xC3\xA9llo"));
    EXPECT_TRUE(valid_mqtt_utf8("\xF0\x9F\x98\x80"));
    EXPECT_FALSE(valid_mqtt_utf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(valid_mqtt_utf8("\xED\xA0\x80"));     // surrogate U+D800
    EXPECT_FALSE(valid_mqtt_utf8("\xE2\x82"));         // truncated
    EXPECT_FALSE(valid_mqtt_utf8("\xFF"));
}

TEST(topic, filters_allow_whole_level_wildcards_only) {
    EXPECT_EQ(validate_filter("#"), errc::ok);
    EXPECT_EQ(validate_filter("+"), errc::ok);
    EXPECT_EQ(validate_filter("a/+/c/#"), errc::ok);
    EXPECT_EQ(validate_filter("+/+"), errc::ok);
    EXPECT_EQ(validate_filter("a/#/c"), errc::filter_invalid);
    EXPECT_EQ(validate_filter("a/b#"), errc::filter_invalid);
    EXPECT_EQ(validate_filter("a+/b"), errc::filter_invalid);
    EXPECT_EQ(validate_filter(""), errc::filter_invalid);
}

TEST(topic, matching_follows_the_spec_examples) {
    EXPECT_TRUE(filter_matches("sport/tennis/player1/#", "sport/tennis/player1"));
    EXPECT_TRUE(filter_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    EXPECT_TRUE(filter_matches("sport/#", "sport"));
    EXPECT_TRUE(filter_matches("sport/tennis/+", "sport/tennis/player1"));
    EXPECT_FALSE(filter_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
    EXPECT_FALSE(filter_matches("sport/+", "sport"));
    EXPECT_TRUE(filter_matches("sport/+", "sport/"));
    EXPECT_TRUE(filter_matches("+/+", "/finance"));
    EXPECT_TRUE(filter_matches("/+", "/finance"));
    EXPECT_FALSE(filter_matches("+", "/finance"));
}

TEST(topic, wildcards_at_first_level_skip_dollar_topics) {
    EXPECT_FALSE(filter_matches("#", "$SYS/broker/uptime"));
    EXPECT_FALSE(filter_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
    EXPECT_TRUE(filter_matches("$SYS/#", "$SYS/monitor/Clients"));
    EXPECT_TRUE(filter_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
}

TEST(topic, shared_subscriptions_parse_group_and_filter) {
    auto s = parse_shared("$share/g1/a/+");
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->has_value());
    EXPECT_EQ((*s)->group, "g1");
    EXPECT_EQ((*s)->filter, "a/+");
    EXPECT_FALSE(parse_shared("a/b").has_value());
    EXPECT_FALSE(parse_shared("$share/g1")->has_value());
    EXPECT_FALSE(parse_shared("$share//a")->has_value());
    EXPECT_FALSE(parse_shared("$share/g+/a")->has_value());
}
