// One channel's buffer: offsets, limits, gaps.
#include "runnel/broker/buffer_set.hpp"
#include "runnel/broker/channel_buffer.hpp"

#include <gtest/gtest.h>

using namespace runnel;
using namespace std::chrono_literals;

namespace {

struct buffer_fixture : ::testing::Test {
    broker::channel_buffer buf{0xe1};
    broker::buffer_limits lim{.max_messages = 3, .max_bytes = 100, .max_age = 10s};
    core::steady_time now{};
    std::uint64_t tt = 1000;

    std::shared_ptr<core::message> add(std::string payload) {
        auto m = std::make_shared<core::message>();
        m->topic = "c";
        m->payload = std::move(payload);
        buf.append(m, ++tt, now, lim);
        return m;
    }
    std::vector<std::string> read(std::uint64_t since, bool* complete = nullptr) {
        std::vector<core::message_ptr> out;
        bool ok = buf.read_after(since, now, lim, out);
        if (complete) *complete = ok;
        std::vector<std::string> p;
        for (auto& m : out) p.push_back(m->payload);
        return p;
    }
};

TEST_F(buffer_fixture, stamps_gap_free_offsets_under_one_epoch) {
    auto a = add("a");
    auto b = add("b");
    EXPECT_EQ(a->cur, (core::cursor{1, 0xe1, 1001}));
    EXPECT_EQ(b->cur, (core::cursor{2, 0xe1, 1002}));
    EXPECT_EQ(buf.last_offset(), 2u);
}

TEST_F(buffer_fixture, reads_strictly_after_the_cursor) {
    add("a");
    add("b");
    add("c");
    EXPECT_EQ(read(0), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(read(1001), (std::vector<std::string>{"b", "c"}));
    EXPECT_TRUE(read(1003).empty());
}

TEST_F(buffer_fixture, count_limit_evicts_oldest_and_reports_the_gap) {
    for (auto p : {"a", "b", "c", "d"}) add(p);
    bool complete = true;
    EXPECT_EQ(read(1000, &complete), (std::vector<std::string>{"b", "c", "d"}));
    EXPECT_FALSE(complete); // "a" (tt 1001) is gone
    EXPECT_EQ(read(1001, &complete), (std::vector<std::string>{"b", "c", "d"}));
    EXPECT_TRUE(complete);
    EXPECT_EQ(buf.evicted_tt(), 1001u);
}

TEST_F(buffer_fixture, byte_limit_counts_payload_and_channel) {
    add(std::string(60, 'x')); // 61 bytes with the channel name
    add(std::string(30, 'y')); // 92
    add(std::string(30, 'z')); // would be 123: the first goes
    EXPECT_EQ(buf.size(), 2u);
    EXPECT_EQ(buf.bytes(), 62u);
}

TEST_F(buffer_fixture, a_message_larger_than_the_buffer_is_stamped_but_not_kept) {
    add("a");
    auto big = add(std::string(200, 'x'));
    EXPECT_EQ(big->cur.offset, 2u);
    bool complete = true;
    EXPECT_EQ(read(1001, &complete), std::vector<std::string>{});
    EXPECT_FALSE(complete);
    add("c");
    EXPECT_EQ(read(1002, &complete), std::vector<std::string>{"c"});
    EXPECT_TRUE(complete);
}

TEST_F(buffer_fixture, an_older_eviction_does_not_hide_a_refused_big_message) {
    add("a");
    add("b");
    add("c");                          // full (3 messages)
    add(std::string(200, 'x'));        // tt 1004: refused, a gap after 1003
    add("d");                          // evicts "a" (tt 1001): the gap mark must stay at 1004
    bool complete = true;
    read(1003, &complete);
    EXPECT_FALSE(complete);
    EXPECT_EQ(buf.evicted_tt(), 1004u);
}

TEST_F(buffer_fixture, age_limit_drops_old_messages) {
    add("old");
    now += 11s;
    add("new");
    bool complete = true;
    EXPECT_EQ(read(0, &complete), std::vector<std::string>{"new"});
    EXPECT_FALSE(complete);
}

TEST_F(buffer_fixture, expired_messages_are_skipped_without_a_gap) {
    auto m = std::make_shared<core::message>();
    m->topic = "c";
    m->payload = "gone";
    m->expires_at = now + 1s;
    buf.append(m, ++tt, now, lim);
    add("kept");
    now += 2s;
    bool complete = false;
    EXPECT_EQ(read(0, &complete), std::vector<std::string>{"kept"});
    EXPECT_TRUE(complete);
}

TEST_F(buffer_fixture, zero_messages_keeps_nothing) {
    lim.max_messages = 0;
    auto a = add("a");
    EXPECT_EQ(a->cur.offset, 1u);
    EXPECT_EQ(buf.size(), 0u);
}

} // namespace

namespace {

TEST(buffer_set, the_budget_evicts_the_oldest_message_of_any_channel) {
    broker::buffer_set set({.max_messages = 100, .max_bytes = 1000, .max_age = 60s}, 30);
    core::steady_time now{};
    std::uint64_t tt = 100;
    auto add = [&](std::string ch, std::string p) {
        auto m = std::make_shared<core::message>();
        m->topic = std::move(ch);
        m->payload = std::move(p);
        set.append(m, ++tt, now);
    };
    add("a", "123456789"); // 10 bytes, tt 101
    add("b", "123456789"); // 20, tt 102
    add("a", "123456789"); // 30, tt 103
    EXPECT_EQ(set.bytes(), 30u);
    add("b", "123456789"); // 40 > 30: a's first (tt 101) goes
    EXPECT_EQ(set.bytes(), 30u);
    std::vector<core::message_ptr> out;
    EXPECT_FALSE(set.read_after("a", 100, now, out)); // the gap is visible to readers of a
    EXPECT_EQ(out.size(), 1u);
    out.clear();
    EXPECT_TRUE(set.read_after("b", 100, now, out));
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(set.find("a")->last_offset(), 2u); // offsets are unaffected
}

TEST(buffer_set, stale_order_entries_do_not_pile_up) {
    // One channel limited to 2 messages, a large budget: per-channel evictions leave stale
    // entries behind, which compaction drops; the budget still works afterwards.
    broker::buffer_set set({.max_messages = 2, .max_bytes = 1 << 20, .max_age = 60s}, 1 << 20);
    core::steady_time now{};
    for (std::uint64_t tt = 1; tt <= 5000; ++tt) {
        auto m = std::make_shared<core::message>();
        m->topic = "hot";
        m->payload = "x";
        set.append(m, tt, now);
    }
    EXPECT_EQ(set.bytes(), 8u);
    EXPECT_EQ(set.find("hot")->size(), 2u);
    EXPECT_LE(set.order_entries(), 2u * 2 + 1024);
}

} // namespace
