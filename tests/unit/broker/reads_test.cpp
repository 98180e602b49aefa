// Cursor reads across shards: stamping, order, filters, limit, horizon, gaps.
#include "runnel/broker/broker.hpp"

#include "../../support/manual_dispatcher.hpp"

#include <gtest/gtest.h>

#include <optional>

using namespace runnel;
using namespace std::chrono_literals;

namespace {

struct reads : ::testing::Test {
    test::manual_dispatcher d{3};
    obs::registry reg;
    broker::broker_stats stats{reg};
    broker::broker b{d, {.shards = 4, .limits = {}, .buffer = {.max_messages = 5, .max_bytes = 1 << 20, .max_age = 60s}}, stats};

    broker::publish_ack publish(std::string topic, std::string payload, broker::worker_id from = 0) {
        broker::publish_ack got;
        d.on(from, [&] {
            core::message m;
            m.topic = std::move(topic);
            m.payload = std::move(payload);
            b.publish(std::move(m), [&](const broker::publish_ack& a) { got = a; });
        });
        return got;
    }
    broker::read_result read(std::vector<std::string> filters, std::uint64_t since, std::size_t limit = 100,
                             std::size_t max_bytes = SIZE_MAX) {
        broker::read_result got;
        bool done = false;
        d.on(1, [&] {
            b.read(std::move(filters), since, limit, max_bytes, [&](broker::read_result r) {
                EXPECT_EQ(d.current(), 1u); // answered on the caller's worker
                got = std::move(r);
                done = true;
            });
        });
        EXPECT_TRUE(done);
        return got;
    }
    static std::vector<std::string> payloads(const broker::read_result& r) {
        std::vector<std::string> out;
        for (auto& m : r.messages) out.push_back(m->payload);
        return out;
    }
};

TEST_F(reads, publish_reports_the_cursor_each_channel_counts_from_one) {
    auto a1 = publish("a", "1");
    auto a2 = publish("a", "2");
    auto b1 = publish("b", "1");
    EXPECT_EQ(a1.cur.offset, 1u);
    EXPECT_EQ(a2.cur.offset, 2u);
    EXPECT_EQ(b1.cur.offset, 1u);
    EXPECT_EQ(a1.cur.epoch, a2.cur.epoch);
    EXPECT_NE(a1.cur.epoch, 0u);
    EXPECT_LT(a1.cur.tt, a2.cur.tt);
    EXPECT_LT(a2.cur.tt, b1.cur.tt);
}

TEST_F(reads, reads_every_matching_channel_in_tt_order_after_the_cursor) {
    auto start = b.now_tt();
    publish("room/1", "a", 0);
    auto mid = publish("room/2", "b", 2);
    publish("other", "x", 1);
    publish("room/1", "c", 1);
    auto r = read({"room/+"}, start);
    EXPECT_EQ(payloads(r), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(r.complete);
    EXPECT_GE(r.cursor, r.messages.back()->cur.tt);
    EXPECT_EQ(payloads(read({"room/+"}, mid.cur.tt)), std::vector<std::string>{"c"});
    EXPECT_TRUE(read({"room/+"}, r.cursor).messages.empty());
}

TEST_F(reads, overlapping_filters_return_each_message_once) {
    auto start = b.now_tt();
    publish("x/y", "1");
    publish("x/y", "2");
    EXPECT_EQ(payloads(read({"x/y", "x/#", "+/y"}, start)), (std::vector<std::string>{"1", "2"}));
}

TEST_F(reads, limit_cuts_and_the_cursor_continues_from_the_last_returned) {
    auto start = b.now_tt();
    for (auto p : {"1", "2", "3", "4"}) publish("q", p);
    auto r = read({"q"}, start, 3);
    EXPECT_EQ(payloads(r), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(r.cursor, r.messages.back()->cur.tt);
    EXPECT_EQ(payloads(read({"q"}, r.cursor, 3)), std::vector<std::string>{"4"});
}

TEST_F(reads, evicted_messages_after_the_cursor_are_reported) {
    auto start = b.now_tt();
    for (int i = 0; i < 7; ++i) publish("busy", std::to_string(i)); // buffer keeps 5
    auto r = read({"busy"}, start);
    EXPECT_EQ(payloads(r), (std::vector<std::string>{"2", "3", "4", "5", "6"}));
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.reason, "cursor is older than the buffer of busy");
}

TEST_F(reads, a_cursor_from_before_the_node_started_is_reported) {
    publish("c", "1");
    auto r = read({"c"}, 1);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.reason, "cursor is from before this node started");
    EXPECT_EQ(payloads(r), std::vector<std::string>{"1"});
}

TEST_F(reads, an_empty_read_moves_the_cursor_to_the_horizon) {
    auto start = b.now_tt();
    auto other = publish("elsewhere", "1");
    auto r = read({"nothing/here"}, start);
    EXPECT_TRUE(r.messages.empty());
    EXPECT_TRUE(r.complete);
    EXPECT_GE(r.cursor, other.cur.tt); // moved past what was published meanwhile
}

TEST_F(reads, the_byte_cap_cuts_but_always_returns_one) {
    auto start = b.now_tt();
    publish("big", std::string(100, 'a'));
    publish("big", std::string(100, 'b'));
    auto r = read({"big"}, start, 100, 150);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.cursor, r.messages[0]->cur.tt);
    EXPECT_EQ(read({"big"}, start, 100, 10).messages.size(), 1u);
    EXPECT_EQ(read({"big"}, r.cursor, 100, 150).messages.size(), 1u);
}

TEST_F(reads, a_cursor_ahead_of_the_clock_is_a_gap_read_from_now) {
    auto r = read({"c"}, b.now_tt() + 1'000'000'000);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.reason, "cursor is ahead of this node's clock");
    auto later = publish("c", "x");
    EXPECT_EQ(payloads(read({"c"}, r.cursor)), std::vector<std::string>{"x"});
    EXPECT_LT(r.cursor, later.cur.tt);
}

/// A channel name whose shard (of 4) is `k`, as the broker hashes it.
std::string name_in_shard(std::size_t k) {
    for (int i = 0;; ++i) {
        auto name = "n" + std::to_string(i);
        if (std::hash<std::string_view>{}(name) % 4 == k) return name;
    }
}

TEST_F(reads, a_message_stamped_while_shards_answer_is_never_skipped) {
    // Worker 1 reads: shard 1 (on worker 1) answers at once, shards 0, 2, 3 later. A message
    // stamped on shard 1 in between has a larger tt than shard 1's horizon but a smaller one
    // than the other shards' answers: the cursor must stay below it.
    auto start = b.now_tt();
    publish(name_in_shard(2), "before");
    std::optional<broker::read_result> got;
    d.start(1, [&] { b.read({"#"}, start, 100, SIZE_MAX, [&](broker::read_result r) { got = std::move(r); }); });
    broker::publish_ack late;
    d.start(1, [&] {
        core::message m;
        m.topic = name_in_shard(1);
        m.payload = "late";
        b.publish(std::move(m), [&](const broker::publish_ack& a) { late = a; });
    });
    d.drain();
    ASSERT_TRUE(got);
    EXPECT_EQ(payloads(*got), std::vector<std::string>{"before"});
    EXPECT_LT(got->cursor, late.cur.tt);
    EXPECT_EQ(payloads(read({"#"}, got->cursor)), std::vector<std::string>{"late"});
}

TEST_F(reads, a_message_above_the_horizon_waits_for_the_next_read) {
    // Shard 1 answers first; then a message is stamped on shard 2 before shard 2 reads: shard 2
    // sees it, but its tt is above shard 1's horizon, so this read must leave it for the next
    // one (returned exactly once there).
    auto start = b.now_tt();
    std::optional<broker::read_result> got;
    d.start(1, [&] { b.read({"#"}, start, 100, SIZE_MAX, [&](broker::read_result r) { got = std::move(r); }); });
    broker::publish_ack mid;
    d.start(2, [&] {
        core::message m;
        m.topic = name_in_shard(2);
        m.payload = "mid";
        b.publish(std::move(m), [&](const broker::publish_ack& a) { mid = a; });
    });
    d.drain();
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->messages.empty());
    EXPECT_LT(got->cursor, mid.cur.tt);
    EXPECT_EQ(payloads(read({"#"}, got->cursor)), std::vector<std::string>{"mid"});
}

} // namespace
