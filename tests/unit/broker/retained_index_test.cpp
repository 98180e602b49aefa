#include "runnel/broker/retained_index.hpp"

#include "runnel/core/topic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace runnel;
using namespace std::chrono_literals;
using broker::retained_index;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

// A fixed instant: the tests never read the real clock.
const core::steady_time t0 = core::steady_time{} + 1000h;

core::message_ptr msg(std::string topic, std::string payload,
                      std::optional<core::steady_time> expires_at = std::nullopt) {
    return core::make_message({.topic = std::move(topic),
                               .payload = std::move(payload),
                               .retain = true,
                               .expires_at = expires_at});
}

class retained_index_test : public ::testing::Test {
protected:
    retained_index r;

    // "topic=payload", sorted, for readable expectations.
    std::vector<std::string> match(std::string_view filter, core::steady_time now = t0) {
        std::vector<core::message_ptr> out;
        r.match(filter, now, out);
        std::vector<std::string> v;
        for (const auto& m : out) v.push_back(m->topic + "=" + m->payload);
        std::sort(v.begin(), v.end());
        return v;
    }
};

TEST_F(retained_index_test, set_overwrite_and_clear) {
    EXPECT_THAT(match("a/b"), IsEmpty());
    r.set(msg("a/b", "1"));
    EXPECT_EQ(r.size(), 1u);
    EXPECT_THAT(match("a/b"), ElementsAre("a/b=1"));
    r.set(msg("a/b", "2"));
    EXPECT_EQ(r.size(), 1u);
    EXPECT_THAT(match("a/b"), ElementsAre("a/b=2"));
    EXPECT_THAT(match("a"), IsEmpty());
    EXPECT_THAT(match("a/b/c"), IsEmpty());
    r.set(msg("a/b", ""));
    EXPECT_EQ(r.size(), 0u);
    EXPECT_THAT(match("a/b"), IsEmpty());
    EXPECT_EQ(r.node_count(), 0u);
}

TEST_F(retained_index_test, clear_prunes_only_empty_nodes) {
    r.set(msg("a", "1"));
    r.set(msg("a/b/c", "2"));
    EXPECT_EQ(r.node_count(), 3u);
    r.set(msg("a/x", ""));     // absent: no-op
    r.set(msg("a/b/c/d", "")); // absent, below a stored name
    r.set(msg("a/b", ""));     // a node without a message
    EXPECT_EQ(r.size(), 2u);
    EXPECT_EQ(r.node_count(), 3u);
    r.set(msg("a/b/c", ""));
    EXPECT_EQ(r.node_count(), 1u); // "a" keeps its message
    EXPECT_THAT(match("#"), ElementsAre("a=1"));
    r.set(msg("a", ""));
    EXPECT_EQ(r.node_count(), 0u);
    EXPECT_EQ(r.size(), 0u);
}

TEST_F(retained_index_test, wildcards_walk_matching_branches) {
    for (const char* t : {"sport", "sport/tennis/player1", "sport/tennis/player2",
                          "sport/tennis/player1/ranking", "sport/golf", "sport/", "/finance"})
        r.set(msg(t, "x"));
    EXPECT_THAT(match("sport/tennis/+"),
                ElementsAre("sport/tennis/player1=x", "sport/tennis/player2=x"));
    EXPECT_THAT(match("sport/+"), ElementsAre("sport/=x", "sport/golf=x"));
    EXPECT_THAT(match("sport/tennis/player1/#"),
                ElementsAre("sport/tennis/player1/ranking=x", "sport/tennis/player1=x"));
    EXPECT_THAT(match("sport/#").size(), 6u); // includes "sport" itself
    EXPECT_THAT(match("+/+"), ElementsAre("/finance=x", "sport/=x", "sport/golf=x"));
    EXPECT_THAT(match("/+"), ElementsAre("/finance=x"));
    EXPECT_THAT(match("+"), ElementsAre("sport=x"));
    EXPECT_THAT(match("+/tennis/+/#"),
                ElementsAre("sport/tennis/player1/ranking=x", "sport/tennis/player1=x",
                            "sport/tennis/player2=x"));
    EXPECT_THAT(match("#").size(), 7u);
}

TEST_F(retained_index_test, first_level_wildcards_skip_dollar_topics) {
    r.set(msg("$SYS/uptime", "1"));
    r.set(msg("$SYS", "2"));
    r.set(msg("a/$b", "3"));
    r.set(msg("a", "4"));
    EXPECT_THAT(match("#"), ElementsAre("a/$b=3", "a=4"));
    EXPECT_THAT(match("+"), ElementsAre("a=4"));
    EXPECT_THAT(match("+/uptime"), IsEmpty());
    EXPECT_THAT(match("$SYS/#"), ElementsAre("$SYS/uptime=1", "$SYS=2"));
    EXPECT_THAT(match("$SYS/+"), ElementsAre("$SYS/uptime=1"));
    EXPECT_THAT(match("a/+"), ElementsAre("a/$b=3")); // `$` matters only in the first level
}

TEST_F(retained_index_test, expired_messages_are_skipped_and_dropped) {
    r.set(msg("a/b", "soon", t0 + 10s));
    r.set(msg("a/c", "later", t0 + 60s));
    r.set(msg("a/d", "never"));
    EXPECT_THAT(match("a/+"), ElementsAre("a/b=soon", "a/c=later", "a/d=never"));
    EXPECT_THAT(match("a/+", t0 + 10s), ElementsAre("a/c=later", "a/d=never")); // at expiry: gone
    EXPECT_EQ(r.size(), 2u);
    EXPECT_EQ(r.node_count(), 3u); // a, c, d: b was pruned
    EXPECT_THAT(match("#", t0 + 61s), ElementsAre("a/d=never"));
    EXPECT_EQ(r.size(), 1u);
    EXPECT_THAT(match("a/c", t0), IsEmpty()); // dropped for good, not only hidden
    r.set(msg("a/d", ""));
    EXPECT_EQ(r.node_count(), 0u);
}

TEST_F(retained_index_test, exact_filter_drops_expired_message) {
    r.set(msg("x/y", "1", t0));
    EXPECT_THAT(match("x/y"), IsEmpty());
    EXPECT_EQ(r.size(), 0u);
    EXPECT_EQ(r.node_count(), 0u);
}

TEST_F(retained_index_test, random_filters_agree_with_filter_matches) {
    std::mt19937 rng(1121);
    auto below = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    static const char* name_levels[] = {"a", "b", "c", "", "$x"};
    static const char* filter_levels[] = {"a", "b", "c", "", "+", "+", "#", "$x"};
    auto random_topic = [&](const char* const* levels, std::size_t alphabet) {
        std::string s;
        for (auto n = 1 + below(4), i = std::size_t{0}; i < n; ++i) {
            std::string level = levels[below(alphabet)];
            if (level == "#" && i + 1 < n) level = "+";
            if (level == "$x" && i > 0) level = "a";
            s += (i > 0 ? "/" : "") + level;
        }
        return s;
    };
    std::map<std::string, std::string> model;
    for (int step = 0; step < 4000; ++step) {
        if (below(3) > 0) {
            auto name = random_topic(name_levels, 5);
            auto payload = below(4) == 0 ? std::string() : std::to_string(step);
            r.set(msg(name, payload));
            if (payload.empty()) model.erase(name);
            else model[name] = payload;
        } else {
            auto filter = random_topic(filter_levels, 8);
            std::vector<std::string> expected;
            for (const auto& [name, payload] : model)
                if (core::filter_matches(filter, name)) expected.push_back(name + "=" + payload);
            std::sort(expected.begin(), expected.end());
            EXPECT_EQ(match(filter), expected) << filter;
        }
        ASSERT_EQ(r.size(), model.size());
    }
    for (const auto& [name, payload] : model) r.set(msg(name, ""));
    EXPECT_EQ(r.size(), 0u);
    EXPECT_EQ(r.node_count(), 0u);
}

} // namespace
