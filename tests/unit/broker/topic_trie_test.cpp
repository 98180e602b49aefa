#include "runnel/broker/topic_trie.hpp"

#include "runnel/core/topic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace runnel;
using broker::match_result;
using broker::session_id;
using broker::shared_group;
using broker::subscriber;
using broker::topic_trie;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

subscriber sub(session_id id, std::uint8_t qos = 0, std::uint32_t sub_id = 0) {
    return subscriber{.ref = {.worker = 0, .id = id}, .opts = {.qos = qos, .sub_id = sub_id}};
}

std::vector<session_id> ids(const match_result& r) {
    std::vector<session_id> v;
    for (const auto& s : r.subscribers) v.push_back(s.ref.id);
    std::sort(v.begin(), v.end());
    return v;
}

// Every case runs with the cache on, off, and tiny (constant eviction), as the NATS sublist
// tests do: the cache must never change an answer.
class topic_trie_test : public ::testing::TestWithParam<std::size_t> {
protected:
    topic_trie t{GetParam()};

    match_result match(std::string_view name) {
        match_result r;
        t.match(name, r);
        return r;
    }
    std::vector<session_id> match_ids(std::string_view name) { return ids(match(name)); }
    // Twice, so the second answer comes from the cache when it is on.
    std::vector<session_id> match_ids_twice(std::string_view name) {
        auto first = match_ids(name);
        EXPECT_EQ(first, match_ids(name)) << name;
        return first;
    }
};

INSTANTIATE_TEST_SUITE_P(cache, topic_trie_test, ::testing::Values(1024, 0, 3),
                         [](const auto& param_info) {
                             return "capacity_" + std::to_string(param_info.param);
                         });

TEST_P(topic_trie_test, mqtt_spec_multi_level_examples) { // MQTT 4.7.1.2
    t.insert("sport/tennis/player1/#", "", sub(1));
    t.insert("sport/#", "", sub(2));
    EXPECT_THAT(match_ids_twice("sport/tennis/player1"), ElementsAre(1, 2));
    EXPECT_THAT(match_ids_twice("sport/tennis/player1/ranking"), ElementsAre(1, 2));
    EXPECT_THAT(match_ids_twice("sport/tennis/player1/score/wimbledon"), ElementsAre(1, 2));
    EXPECT_THAT(match_ids_twice("sport"), ElementsAre(2));
    EXPECT_THAT(match_ids_twice("sport/tennis/player2"), ElementsAre(2));
    EXPECT_THAT(match_ids_twice("sports"), IsEmpty());
}

TEST_P(topic_trie_test, mqtt_spec_single_level_examples) { // MQTT 4.7.1.3
    t.insert("sport/tennis/+", "", sub(1));
    t.insert("sport/+", "", sub(2));
    t.insert("+/+", "", sub(3));
    t.insert("/+", "", sub(4));
    t.insert("+", "", sub(5));
    t.insert("+/tennis/#", "", sub(6));
    EXPECT_THAT(match_ids_twice("sport/tennis/player1"), ElementsAre(1, 6));
    EXPECT_THAT(match_ids_twice("sport/tennis/player2"), ElementsAre(1, 6));
    EXPECT_THAT(match_ids_twice("sport/tennis/player1/ranking"), ElementsAre(6));
    EXPECT_THAT(match_ids_twice("sport"), ElementsAre(5));
    EXPECT_THAT(match_ids_twice("sport/"), ElementsAre(2, 3)); // + matches an empty level
    EXPECT_THAT(match_ids_twice("/finance"), ElementsAre(3, 4));
    EXPECT_THAT(match_ids_twice("sport/tennis"), ElementsAre(2, 3, 6));
}

TEST_P(topic_trie_test, first_level_wildcards_skip_dollar_topics) { // MQTT 4.7.2
    t.insert("#", "", sub(1));
    t.insert("+/monitor/Clients", "", sub(2));
    t.insert("$SYS/#", "", sub(3));
    t.insert("$SYS/monitor/+", "", sub(4));
    t.insert("+/#", "", sub(5));
    t.insert("a/+", "", sub(6));
    t.insert("#", "g", sub(7));
    EXPECT_THAT(match_ids_twice("$SYS/monitor/Clients"), ElementsAre(3, 4));
    EXPECT_THAT(match("$SYS/monitor/Clients").groups, IsEmpty());
    EXPECT_THAT(match_ids_twice("$SYS"), ElementsAre(3));
    EXPECT_THAT(match_ids_twice("x/monitor/Clients"), ElementsAre(1, 2, 5));
    EXPECT_EQ(match("x/monitor/Clients").groups.size(), 1u);
    // `$` only matters in the first level.
    EXPECT_THAT(match_ids_twice("a/$b"), ElementsAre(1, 5, 6));
}

TEST_P(topic_trie_test, overlapping_filters_report_each_subscription) {
    t.insert("a/b", "", sub(1, 0, 10));
    t.insert("a/+", "", sub(1, 1, 11));
    t.insert("a/#", "", sub(1, 2, 12));
    t.insert("#", "", sub(1, 0, 13));
    t.insert("a/b", "", sub(2));
    auto r = match("a/b");
    EXPECT_THAT(ids(r), ElementsAre(1, 1, 1, 1, 2));
    std::vector<std::uint32_t> sub_ids;
    for (const auto& s : r.subscribers) sub_ids.push_back(s.opts.sub_id);
    std::sort(sub_ids.begin(), sub_ids.end());
    EXPECT_THAT(sub_ids, ElementsAre(0, 10, 11, 12, 13));
    EXPECT_EQ(t.size(), 5u);
}

TEST_P(topic_trie_test, match_appends_to_out) {
    t.insert("a", "", sub(1));
    match_result r;
    t.match("a", r);
    t.match("a", r);
    EXPECT_THAT(ids(r), ElementsAre(1, 1));
}

TEST_P(topic_trie_test, insert_again_replaces_options) {
    EXPECT_TRUE(t.insert("a/+", "", sub(1, 0)));
    EXPECT_EQ(match("a/b").subscribers.at(0).opts.qos, 0);
    const auto gen = t.generation();
    EXPECT_FALSE(t.insert("a/+", "", sub(1, 2, 7)));
    EXPECT_GT(t.generation(), gen);
    EXPECT_EQ(t.size(), 1u);
    auto r = match("a/b"); // must not be the cached qos-0 answer
    ASSERT_EQ(r.subscribers.size(), 1u);
    EXPECT_EQ(r.subscribers[0].opts.qos, 2);
    EXPECT_EQ(r.subscribers[0].opts.sub_id, 7u);

    EXPECT_TRUE(t.insert("a/+", "g", sub(1, 1)));
    EXPECT_FALSE(t.insert("a/+", "g", sub(1, 2)));
    EXPECT_EQ(t.find_group("a/+", "g")->members().at(0).opts.qos, 2);
    EXPECT_EQ(t.size(), 2u);
}

TEST_P(topic_trie_test, erase_of_absent_subscription_changes_nothing) {
    EXPECT_FALSE(t.erase("a/b", "", 1));
    t.insert("a/b", "", sub(1));
    t.insert("a/b", "g", sub(2));
    const auto gen = t.generation();
    const auto nodes = t.node_count();
    EXPECT_FALSE(t.erase("a/b", "", 2));   // wrong session
    EXPECT_FALSE(t.erase("a/c", "", 1));   // wrong filter
    EXPECT_FALSE(t.erase("a", "", 1));     // prefix of the filter
    EXPECT_FALSE(t.erase("a/b/c", "", 1)); // longer than the filter
    EXPECT_FALSE(t.erase("a/b", "h", 2));  // wrong group
    EXPECT_FALSE(t.erase("a/b", "g", 1));  // plain subscriber is not a member
    EXPECT_EQ(t.generation(), gen);
    EXPECT_EQ(t.node_count(), nodes);
    EXPECT_EQ(t.size(), 2u);
    EXPECT_TRUE(t.erase("a/b", "", 1));
    EXPECT_FALSE(t.erase("a/b", "", 1));
    EXPECT_EQ(t.size(), 1u);
}

TEST_P(topic_trie_test, erase_prunes_only_empty_nodes) {
    t.insert("a/b/c", "", sub(1));
    t.insert("a/b", "", sub(2));
    t.insert("a/+/#", "g", sub(3));
    EXPECT_EQ(t.node_count(), 5u); // a, b, c, +, #
    t.erase("a/b/c", "", 1);
    EXPECT_EQ(t.node_count(), 4u);
    t.erase("a/+/#", "g", 3);
    EXPECT_EQ(t.node_count(), 2u);
    EXPECT_THAT(match_ids_twice("a/b"), ElementsAre(2));
    t.erase("a/b", "", 2);
    EXPECT_EQ(t.node_count(), 0u);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_THAT(match_ids_twice("a/b"), IsEmpty());
}

TEST_P(topic_trie_test, insert_then_erase_many_leaves_no_nodes) {
    std::vector<std::tuple<std::string, std::string, session_id>> subs;
    for (int i = 0; i < 2000; ++i) {
        std::string f = "n" + std::to_string(i % 37) + "/" + std::to_string(i % 11);
        if (i % 3 == 0) f += "/+";
        if (i % 5 == 0) f += "/#";
        std::string group = i % 4 == 0 ? "g" + std::to_string(i % 3) : "";
        subs.emplace_back(f, group, static_cast<session_id>(i));
        EXPECT_TRUE(t.insert(f, group, sub(static_cast<session_id>(i))));
        if (i % 7 == 0) match("n1/1/x"); // keep the cache busy
    }
    EXPECT_EQ(t.size(), subs.size());
    EXPECT_GT(t.node_count(), 0u);
    for (const auto& [f, group, id] : subs) EXPECT_TRUE(t.erase(f, group, id));
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.node_count(), 0u);
    EXPECT_THAT(match_ids_twice("n1/1/x"), IsEmpty());
}

TEST_P(topic_trie_test, many_subscribers_on_one_filter) {
    // Past the size where a node indexes its subscribers by session id.
    for (session_id i = 1; i <= 1000; ++i) EXPECT_TRUE(t.insert("all", "", sub(i)));
    for (session_id i = 1; i <= 1000; i += 3) EXPECT_FALSE(t.insert("all", "", sub(i, 1)));
    for (session_id i = 2; i <= 1000; i += 2) EXPECT_TRUE(t.erase("all", "", i));
    auto r = match("all");
    ASSERT_EQ(r.subscribers.size(), 500u);
    for (const auto& s : r.subscribers) {
        EXPECT_EQ(s.ref.id % 2, 1u);
        EXPECT_EQ(s.opts.qos, (s.ref.id - 1) % 3 == 0 ? 1 : 0);
    }
    for (session_id i = 1; i <= 1000; i += 2) EXPECT_TRUE(t.erase("all", "", i));
    EXPECT_FALSE(t.erase("all", "", 1));
    EXPECT_EQ(t.node_count(), 0u);
}

TEST_P(topic_trie_test, cache_sees_inserts_and_erases) {
    EXPECT_THAT(match_ids_twice("a/b"), IsEmpty());
    t.insert("a/+", "", sub(1));
    EXPECT_THAT(match_ids_twice("a/b"), ElementsAre(1));
    t.insert("#", "g", sub(2));
    EXPECT_EQ(match("a/b").groups.size(), 1u);
    t.erase("#", "g", 2); // frees the group: a cached pointer would dangle
    EXPECT_THAT(match("a/b").groups, IsEmpty());
    t.erase("a/+", "", 1);
    EXPECT_THAT(match_ids_twice("a/b"), IsEmpty());
}

TEST_P(topic_trie_test, many_distinct_names_evict_correctly) {
    t.insert("x/+", "", sub(1));
    t.insert("x/#", "", sub(2));
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 200; ++i)
            EXPECT_THAT(match_ids("x/" + std::to_string(i)), ElementsAre(1, 2));
}

TEST_P(topic_trie_test, shared_group_round_robin) {
    t.insert("s/+", "g", sub(1));
    t.insert("s/+", "g", sub(2));
    t.insert("s/+", "g", sub(3));
    t.insert("s/+", "", sub(9));
    auto r = match("s/x");
    EXPECT_THAT(ids(r), ElementsAre(9));
    ASSERT_EQ(r.groups.size(), 1u);
    shared_group* g = r.groups[0];
    EXPECT_EQ(g, t.find_group("s/+", "g"));
    EXPECT_EQ(g->name(), "g");
    EXPECT_EQ(match("s/y").groups.at(0), g); // same group whichever name matched
    std::vector<session_id> order;
    for (int i = 0; i < 6; ++i) order.push_back(g->pick()->ref.id);
    EXPECT_THAT(order, ElementsAre(1, 2, 3, 1, 2, 3));
    EXPECT_EQ(t.find_group("s/+", "h"), nullptr);
    EXPECT_EQ(t.find_group("s/x", "g"), nullptr);
    EXPECT_EQ(t.find_group("s", "g"), nullptr);
}

TEST_P(topic_trie_test, shared_groups_per_filter_and_name) {
    t.insert("s/+", "g", sub(1));
    t.insert("s/#", "g", sub(2));
    t.insert("s/+", "h", sub(3));
    auto r = match("s/x");
    ASSERT_EQ(r.groups.size(), 3u);
    EXPECT_TRUE(ids(r).empty());
    EXPECT_EQ(t.size(), 3u);
    t.erase("s/+", "g", 1);
    EXPECT_EQ(t.find_group("s/+", "g"), nullptr); // an empty group is removed
    EXPECT_EQ(match("s/x").groups.size(), 2u);
}

TEST(shared_group, pick_skips_excluded_member_when_another_exists) {
    shared_group g("g", "a/b");
    EXPECT_EQ(g.pick(), nullptr);
    EXPECT_TRUE(g.upsert(sub(1)));
    EXPECT_EQ(g.pick(1)->ref.id, 1u); // the only member is still picked
    EXPECT_TRUE(g.upsert(sub(2)));
    EXPECT_TRUE(g.upsert(sub(3)));
    EXPECT_FALSE(g.upsert(sub(2, 1)));
    EXPECT_EQ(g.members().size(), 3u);
    EXPECT_EQ(g.pick()->ref.id, 1u);
    // 2 is next up; excluding it hands the turn to 3, and it is skipped every time it comes up.
    EXPECT_EQ(g.pick(2)->ref.id, 3u);
    EXPECT_EQ(g.pick(2)->ref.id, 1u);
    EXPECT_EQ(g.pick(2)->ref.id, 3u);
    EXPECT_EQ(g.pick()->ref.id, 1u);
    const subscriber* two = g.pick();
    EXPECT_EQ(two->ref.id, 2u);
    EXPECT_EQ(two->opts.qos, 1u); // upsert replaced its options
}

TEST(shared_group, erase_keeps_the_rotation_fair) {
    shared_group g("g", "a/b");
    for (session_id i = 1; i <= 4; ++i) g.upsert(sub(i));
    EXPECT_EQ(g.pick()->ref.id, 1u);
    EXPECT_EQ(g.pick()->ref.id, 2u); // next up: 3
    EXPECT_TRUE(g.erase(1));          // before the cursor
    EXPECT_EQ(g.pick()->ref.id, 3u);
    EXPECT_TRUE(g.erase(4));          // the next one up
    EXPECT_EQ(g.pick()->ref.id, 2u);
    EXPECT_FALSE(g.erase(4));
    EXPECT_TRUE(g.erase(2));
    EXPECT_TRUE(g.erase(3));
    EXPECT_TRUE(g.empty());
    EXPECT_EQ(g.pick(), nullptr);
}

// ---- differential test against core::filter_matches ----------------------------------------

// Small alphabets so filters overlap and names repeat (cache hits); `$x` first levels exercise
// the `$` rule, empty levels the "+ matches an empty level" rule.
class random_topics {
public:
    explicit random_topics(std::uint32_t seed) : rng_(seed) {}

    std::string name() {
        static const char* levels[] = {"a", "b", "c", ""};
        std::string s = one_in(8) ? "$x" : levels[below(4)];
        for (auto n = below(4); n > 0; --n) s += std::string("/") + levels[below(4)];
        return s;
    }
    std::string filter() {
        static const char* levels[] = {"a", "b", "c", "", "+", "+"};
        auto count = 1 + below(4);
        std::string s;
        for (std::size_t i = 0; i < count; ++i) {
            if (i > 0) s += '/';
            if (i + 1 == count && one_in(4)) s += '#';
            else s += i == 0 && one_in(10) ? "$x" : levels[below(6)];
        }
        return s;
    }
    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    bool one_in(std::size_t n) { return below(n) == 0; }

private:
    std::mt19937 rng_;
};

// (filter, group, session) -> qos; sub_id carries the filter's index in the pool so an answer
// names the exact subscription that produced it.
using model_key = std::tuple<std::size_t, std::string, session_id>;
using model = std::map<model_key, std::uint8_t>;
using plain_entry = std::tuple<session_id, std::uint32_t, std::uint8_t>;
using group_entry = std::pair<std::string, std::vector<plain_entry>>;

std::pair<std::vector<plain_entry>, std::vector<group_entry>> expected_for(
    const model& m, const std::vector<std::string>& filters, const std::string& name) {
    std::vector<plain_entry> plain;
    std::map<std::pair<std::size_t, std::string>, std::vector<plain_entry>> groups;
    for (const auto& [key, qos] : m) {
        const auto& [f, group, id] = key;
        if (!core::filter_matches(filters[f], name)) continue;
        plain_entry e{id, static_cast<std::uint32_t>(f), qos};
        if (group.empty()) plain.push_back(e);
        else groups[{f, group}].push_back(e);
    }
    std::vector<group_entry> g;
    for (auto& [key, members] : groups) g.emplace_back(key.second, std::move(members));
    std::sort(plain.begin(), plain.end());
    std::sort(g.begin(), g.end());
    return {plain, g};
}

std::pair<std::vector<plain_entry>, std::vector<group_entry>> actual_for(const match_result& r) {
    auto entry = [](const subscriber& s) {
        return plain_entry{s.ref.id, s.opts.sub_id, s.opts.qos};
    };
    std::vector<plain_entry> plain;
    for (const auto& s : r.subscribers) plain.push_back(entry(s));
    std::vector<group_entry> g;
    for (const auto* grp : r.groups) {
        std::vector<plain_entry> members;
        for (const auto& s : grp->members()) members.push_back(entry(s));
        std::sort(members.begin(), members.end());
        g.emplace_back(grp->name(), std::move(members));
    }
    std::sort(plain.begin(), plain.end());
    std::sort(g.begin(), g.end());
    return {plain, g};
}

TEST_P(topic_trie_test, random_operations_agree_with_filter_matches) {
    random_topics gen(20261121);
    std::vector<std::string> filters; // distinct, so a pool index names one trie filter
    while (filters.size() < 200) {
        auto f = gen.filter();
        if (std::find(filters.begin(), filters.end(), f) == filters.end()) filters.push_back(f);
    }
    static const char* groups[] = {"", "", "", "g1", "g2"};
    model m;
    for (int step = 0; step < 6000; ++step) {
        auto op = gen.below(100);
        if (op < 35 || m.empty()) { // insert or replace
            model_key key{gen.below(filters.size()), groups[gen.below(5)], 1 + gen.below(8)};
            auto qos = static_cast<std::uint8_t>(gen.below(3));
            const auto& [f, group, id] = key;
            bool fresh = !m.contains(key);
            EXPECT_EQ(t.insert(filters[f], group, sub(id, qos, static_cast<std::uint32_t>(f))),
                      fresh);
            m[key] = qos;
        } else if (op < 60) { // erase one that exists
            auto it = std::next(m.begin(), static_cast<std::ptrdiff_t>(gen.below(m.size())));
            const auto& [f, group, id] = it->first;
            EXPECT_TRUE(t.erase(filters[f], group, id));
            m.erase(it);
        } else if (op < 65) { // erase, probably absent
            model_key key{gen.below(filters.size()), groups[gen.below(5)], 1 + gen.below(8)};
            const auto& [f, group, id] = key;
            EXPECT_EQ(t.erase(filters[f], group, id), m.erase(key) == 1);
        } else {
            auto name = gen.name();
            EXPECT_EQ(actual_for(match(name)), expected_for(m, filters, name)) << name;
        }
        ASSERT_EQ(t.size(), m.size()) << "step " << step;
    }
    for (const auto& [key, qos] : m) {
        const auto& [f, group, id] = key;
        EXPECT_TRUE(t.erase(filters[f], group, id));
    }
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.node_count(), 0u);
}

} // namespace
