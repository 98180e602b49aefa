// broker::history: ranges by offset and timetoken, both orders, pages, gaps, from the channel
// buffer and from a retention log.
#include "runnel/broker/broker.hpp"
#include "runnel/store/memory_retention_log.hpp"

#include "../../support/manual_dispatcher.hpp"

#include <gtest/gtest.h>

using namespace runnel;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> payloads(const broker::history_page& p) {
    std::vector<std::string> out;
    for (auto& m : p.messages) out.push_back(m->payload);
    return out;
}

struct history_base : ::testing::Test {
    test::manual_dispatcher d{3};
    obs::registry reg;
    broker::broker_stats stats{reg};

    broker::publish_ack publish(broker::broker& b, std::string topic, std::string payload) {
        broker::publish_ack got;
        d.on(0, [&] {
            core::message m;
            m.topic = std::move(topic);
            m.payload = std::move(payload);
            b.publish(std::move(m), [&](const broker::publish_ack& a) { got = a; });
        });
        return got;
    }
    broker::history_page history(broker::broker& b, broker::history_query q) {
        broker::history_page got;
        bool done = false;
        d.on(2, [&] {
            b.history(std::move(q), [&](broker::history_page p) {
                EXPECT_EQ(d.current(), 2u); // answered on the caller's worker
                got = std::move(p);
                done = true;
            });
        });
        EXPECT_TRUE(done);
        return got;
    }
};

struct history_buffer : history_base {
    broker::broker b{d, {.shards = 4, .limits = {}, .buffer = {.max_messages = 5, .max_bytes = 1 << 20, .max_age = 60s}}, stats};
    void publish_n(std::string channel, int n) {
        for (int i = 1; i <= n; ++i) publish(b, channel, std::to_string(i));
    }
};

TEST_F(history_buffer, unknown_channel_is_an_empty_complete_page) {
    auto p = history(b, {.channel = "nobody"});
    EXPECT_TRUE(p.messages.empty());
    EXPECT_EQ(p.epoch, 0u);
    EXPECT_EQ(p.last_offset, 0u);
    EXPECT_TRUE(p.complete);
    EXPECT_FALSE(p.more);
}

TEST_F(history_buffer, pages_oldest_first_and_newest_first) {
    publish_n("c", 4);
    publish_n("other", 2);
    auto first = history(b, {.channel = "c", .limit = 3});
    EXPECT_EQ(payloads(first), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_TRUE(first.more);
    EXPECT_EQ(first.last_offset, 4u);
    EXPECT_NE(first.epoch, 0u);
    EXPECT_TRUE(first.complete);
    auto second = history(b, {.channel = "c", .after_offset = first.messages.back()->cur.offset, .limit = 3});
    EXPECT_EQ(payloads(second), std::vector<std::string>{"4"});
    EXPECT_FALSE(second.more);

    auto newest = history(b, {.channel = "c", .newest_first = true, .limit = 3});
    EXPECT_EQ(payloads(newest), (std::vector<std::string>{"4", "3", "2"}));
    EXPECT_TRUE(newest.more);
    auto older = history(b, {.channel = "c", .until_tt = newest.messages.back()->cur.tt - 1, .newest_first = true, .limit = 3});
    EXPECT_EQ(payloads(older), std::vector<std::string>{"1"});
    EXPECT_FALSE(older.more);
}

TEST_F(history_buffer, offset_and_tt_bounds_all_apply) {
    publish_n("c", 5);
    auto all = history(b, {.channel = "c"});
    ASSERT_EQ(all.messages.size(), 5u);
    auto by_offset = history(b, {.channel = "c", .after_offset = 1, .until_offset = 3});
    EXPECT_EQ(payloads(by_offset), (std::vector<std::string>{"2", "3"}));
    auto by_tt = history(b, {.channel = "c", .after_tt = all.messages[2]->cur.tt, .until_tt = all.messages[3]->cur.tt});
    EXPECT_EQ(payloads(by_tt), std::vector<std::string>{"4"});
    auto both = history(b, {.channel = "c", .after_offset = 3, .after_tt = all.messages[0]->cur.tt,
                            .until_offset = 5, .until_tt = all.messages[3]->cur.tt});
    EXPECT_EQ(payloads(both), std::vector<std::string>{"4"});
}

TEST_F(history_buffer, max_bytes_cuts_the_page_but_returns_at_least_one) {
    publish(b, "c", std::string(100, 'a'));
    publish(b, "c", std::string(100, 'b'));
    auto p = history(b, {.channel = "c", .max_bytes = 10});
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_TRUE(p.more);
}

TEST_F(history_buffer, a_range_reaching_past_the_evicted_messages_is_incomplete) {
    publish_n("c", 8); // the buffer keeps 4..8
    auto p = history(b, {.channel = "c"});
    EXPECT_EQ(payloads(p), (std::vector<std::string>{"4", "5", "6", "7", "8"}));
    EXPECT_FALSE(p.complete);
    EXPECT_NE(p.reason.find("offsets up to 3"), std::string::npos) << p.reason;
    EXPECT_EQ(p.last_offset, 8u);
    EXPECT_TRUE(history(b, {.channel = "c", .after_offset = 3}).complete);
    EXPECT_TRUE(history(b, {.channel = "c", .after_tt = p.messages.front()->cur.tt - 1}).complete);
    // Newest first, the first page is whole but the range still starts before what is kept.
    EXPECT_FALSE(history(b, {.channel = "c", .newest_first = true, .limit = 1}).complete);
}

/// A log whose reads fail.
struct failing_log final : store::retention_log {
    boost::system::error_code load(store::snapshot&, std::chrono::milliseconds) override { return {}; }
    void commit(store::write_batch, done_fn written, done_fn durable) override {
        if (written) written({});
        if (durable) durable({});
    }
    void read(store::read_query, read_fn done) override { done(make_error_code(errc::storage_failed), {}); }
    bool writable() const noexcept override { return true; }
    std::string failure() const override { return {}; }
    store::log_stats stats() const override { return {}; }
    void close() override {}
};

store::retention keep_all(std::string_view channel) {
    return store::retention{.max_age = 3600s, .max_messages = channel == "short" ? 3u : 0u, .max_bytes = 0,
                            .store = !channel.starts_with("mem")};
}

struct history_log : history_base {
    store::memory_retention_log log{keep_all};
    bool loaded = [this] {
        store::snapshot s;
        return !log.load(s, 1s);
    }();
    broker::broker b{d,
                     {.shards = 4, .limits = {}, .buffer = {.max_messages = 2, .max_bytes = 1 << 20, .max_age = 60s},
                      .log = &log, .retention_of = keep_all},
                     stats};

    /// Publishes and makes sure the log has the message (whether or not routing writes it).
    void publish_n(std::string channel, int n) {
        for (int i = 1; i <= n; ++i) {
            auto payload = std::to_string(i);
            auto ack = publish(b, channel, payload);
            auto m = std::make_shared<core::message>();
            m->topic = channel;
            m->payload = payload;
            m->cur = ack.cur;
            log.commit(store::write_batch{.messages = {m}}, {}, {});
        }
    }
};

TEST_F(history_log, reads_the_log_beyond_the_buffer) {
    ASSERT_TRUE(loaded);
    publish_n("chat", 6);
    auto p = history(b, {.channel = "chat", .limit = 4});
    EXPECT_EQ(payloads(p), (std::vector<std::string>{"1", "2", "3", "4"}));
    EXPECT_TRUE(p.more);
    EXPECT_TRUE(p.complete);
    EXPECT_EQ(p.last_offset, 6u);
    EXPECT_NE(p.epoch, 0u);
    auto newest = history(b, {.channel = "chat", .after_offset = 2, .newest_first = true, .limit = 10});
    EXPECT_EQ(payloads(newest), (std::vector<std::string>{"6", "5", "4", "3"}));
    EXPECT_FALSE(newest.more);
}

TEST_F(history_log, a_range_before_what_the_log_kept_is_incomplete) {
    publish_n("short", 5); // the log keeps 3..5
    auto p = history(b, {.channel = "short"});
    EXPECT_EQ(payloads(p), (std::vector<std::string>{"3", "4", "5"}));
    EXPECT_FALSE(p.complete);
    EXPECT_NE(p.reason.find("retention log"), std::string::npos) << p.reason;
    EXPECT_TRUE(history(b, {.channel = "short", .after_offset = 2}).complete);
}

TEST_F(history_log, channels_the_log_does_not_keep_read_the_buffer) {
    publish_n("mem/1", 4); // store=false: the buffer (2 messages) answers, not the log
    auto p = history(b, {.channel = "mem/1"});
    EXPECT_EQ(payloads(p), (std::vector<std::string>{"3", "4"}));
    EXPECT_FALSE(p.complete);
}

TEST_F(history_base, a_log_error_is_reported) {
    failing_log log;
    broker::broker b{d, {.shards = 2, .limits = {}, .buffer = {}, .log = &log, .retention_of = keep_all}, stats};
    publish(b, "chat", "x");
    auto p = history(b, {.channel = "chat"});
    EXPECT_TRUE(p.error);
    EXPECT_TRUE(p.messages.empty());
    EXPECT_EQ(p.last_offset, 1u);
}

} // namespace
