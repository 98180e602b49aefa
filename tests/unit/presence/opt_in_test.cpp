// presence_enabled(): the one rule every protocol uses to decide whether a subscription makes
// its holder a member (exact channels by default, wildcard filters only when opted in or listed
// in presence.wildcards, an explicit choice wins, `$` channels never), and parse_opt_in().
#include "runnel/presence/hub.hpp"

#include <gtest/gtest.h>

namespace runnel::presence {
namespace {

const std::vector<std::string> none;

TEST(presence_opt_in, exact_channels_are_on_unless_opted_out) {
    EXPECT_TRUE(presence_enabled("room/1", std::nullopt, none));
    EXPECT_TRUE(presence_enabled("room/1", true, none));
    EXPECT_FALSE(presence_enabled("room/1", false, none));
}

TEST(presence_opt_in, wildcards_are_off_unless_opted_in) {
    for (const char* f : {"a/+", "fleet/#", "#", "+/x"}) {
        EXPECT_FALSE(presence_enabled(f, std::nullopt, none)) << f;
        EXPECT_TRUE(presence_enabled(f, true, none)) << f;
        EXPECT_FALSE(presence_enabled(f, false, none)) << f;
    }
}

TEST(presence_opt_in, listed_wildcards_are_on_without_a_choice) {
    const std::vector<std::string> listed{"a/+", "fleet/#"};
    EXPECT_TRUE(presence_enabled("a/+", std::nullopt, listed));
    EXPECT_TRUE(presence_enabled("fleet/#", std::nullopt, listed));
    EXPECT_FALSE(presence_enabled("fleet/+", std::nullopt, listed)); // exactly as listed, not covered
    EXPECT_FALSE(presence_enabled("a/+/b", std::nullopt, listed));
    EXPECT_FALSE(presence_enabled("a/+", false, listed)); // an explicit choice wins
}

TEST(presence_opt_in, dollar_and_shared_filters_never) {
    for (const char* f : {"$SYS/x", "$presence/a", "$presence/a/+", "$share/g/a", "$share/g/a/+", ""}) {
        EXPECT_FALSE(presence_enabled(f, true, none)) << f;
        EXPECT_FALSE(presence_enabled(f, std::nullopt, {std::string(f)})) << f;
        EXPECT_FALSE(presence_candidate(f)) << f;
    }
    EXPECT_TRUE(presence_candidate("a/+"));
}

TEST(presence_opt_in, a_channel_whose_events_topic_would_not_fit_an_mqtt_string_has_no_presence) {
    const std::string fits(max_presence_channel, 'x');
    EXPECT_EQ(("$presence/" + fits).size(), 65535u);
    EXPECT_TRUE(presence_enabled(fits, std::nullopt, {}));
    EXPECT_FALSE(presence_enabled(fits + "x", std::nullopt, {}));
    EXPECT_FALSE(presence_enabled(fits + "x", true, {}));
}

TEST(presence_opt_in, parse) {
    EXPECT_EQ(parse_opt_in("true"), std::optional<bool>(true));
    EXPECT_EQ(parse_opt_in("1"), std::optional<bool>(true));
    EXPECT_EQ(parse_opt_in("false"), std::optional<bool>(false));
    EXPECT_EQ(parse_opt_in("0"), std::optional<bool>(false));
    for (const char* v : {"", "yes", "TRUE", "2", "true "}) EXPECT_FALSE(parse_opt_in(v).has_value()) << v;
}

} // namespace
} // namespace runnel::presence
