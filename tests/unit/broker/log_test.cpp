// The broker over a retention log (the in-memory one): delivery once written, acknowledgement
// once durable, reads past the buffer, ephemeral channels, write failures, idempotency keys,
// and everything a restart rebuilds (positions, retained, persistent sessions).
#include "runnel/broker/broker.hpp"
#include "runnel/store/memory_retention_log.hpp"

#include "../../support/manual_dispatcher.hpp"
#include "../../support/recording_sink.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

using namespace runnel;
using namespace std::chrono_literals;

namespace {

store::retention retention_of(std::string_view channel) {
    store::retention r;
    r.store = !channel.starts_with("tmp/");
    return r;
}

struct node {
    test::manual_dispatcher d{3}; // one per node: a stopped node's timers die with it
    obs::registry reg;
    broker::broker_stats stats{reg};
    broker::broker b;

    explicit node(store::retention_log& log) : b(d, options(log), stats) {
        store::snapshot snap;
        EXPECT_FALSE(log.load(snap, 120s));
        b.restore(snap);
        d.drain();
    }
    static broker::broker_options options(store::retention_log& log) {
        broker::broker_options o;
        o.shards = 4;
        o.limits = {.max_inflight = 2, .max_queued_messages = 100};
        o.buffer = {.max_messages = 5, .max_bytes = 1 << 20, .max_age = 3600s};
        o.log = &log;
        o.retention_of = retention_of;
        return o;
    }

    std::optional<broker::publish_ack> publish(std::string topic, std::string payload, std::uint8_t qos = 1,
                                               std::string key = {}, bool retain = false) {
        std::optional<broker::publish_ack> got;
        d.on(0, [&] {
            core::message m;
            m.topic = std::move(topic);
            m.payload = std::move(payload);
            m.qos = qos;
            m.retain = retain;
            m.idempotency_key = std::move(key);
            b.publish(std::move(m), [&](const broker::publish_ack& a) { got = a; });
        });
        return got;
    }
    broker::session* open(broker::worker_id w, const std::string& cid, test::recording_sink* sink, bool clean,
                          std::chrono::seconds expiry, bool* present = nullptr) {
        broker::session* s = nullptr;
        d.on(w, [&] {
            b.open_session(w, cid, clean, [&](broker::session* got, bool p) {
                s = got;
                if (present) *present = p;
                s->set_expiry(expiry);
                if (sink) s->attach(sink, 65535);
            });
        });
        return s;
    }
    std::vector<broker::sub_outcome> subscribe(broker::worker_id w, broker::session* s, std::string filter,
                                               std::uint8_t qos = 1) {
        std::vector<broker::sub_outcome> out;
        d.on(w, [&] {
            b.subscribe(s, {{std::move(filter), {qos, false, false, 0}, 0}},
                        [&](std::vector<broker::sub_outcome> o) { out = std::move(o); });
        });
        EXPECT_EQ(out.size(), 1u);
        return out;
    }
    broker::read_result read(std::vector<std::string> filters, std::uint64_t since, std::size_t limit = 100) {
        broker::read_result got;
        d.on(1, [&] { b.read(std::move(filters), since, limit, SIZE_MAX, [&](broker::read_result r) { got = std::move(r); }); });
        return got;
    }
};

std::vector<std::string> payloads(const std::vector<core::message_ptr>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m->payload);
    return out;
}

struct log_fixture : ::testing::Test {
    store::memory_retention_log log{retention_of};
};

TEST_F(log_fixture, a_stored_message_is_delivered_once_written_and_acknowledged_once_durable) {
    node n(log);
    test::recording_sink sink;
    auto* s = n.open(1, "sub", &sink, true, 0s);
    n.subscribe(1, s, "room/1");
    log.hold(true);
    auto ack = n.publish("room/1", "hello");
    EXPECT_FALSE(ack) << "acknowledged before the log wrote it";
    EXPECT_TRUE(sink.got.empty()) << "delivered before the log wrote it";
    std::optional<broker::publish_ack> late;
    n.d.on(0, [&] { // the same publish, answered later: watch it through a second one
        core::message m;
        m.topic = "room/1";
        m.payload = "second";
        n.b.publish(std::move(m), [&](const broker::publish_ack& a) { late = a; });
    });
    EXPECT_EQ(log.release(), 2u); // one write per turn of the shard's worker
    n.d.drain();
    ASSERT_TRUE(late);
    EXPECT_FALSE(late->error);
    EXPECT_EQ(late->cur.offset, 2u);
    EXPECT_EQ(payloads(log.messages("room/1")), (std::vector<std::string>{"hello", "second"}));
    ASSERT_EQ(sink.got.size(), 2u);
    EXPECT_EQ(sink.got[0].msg->payload, "hello");
}

TEST_F(log_fixture, reads_past_the_buffer_come_from_the_log_in_order_and_pages_never_skip) {
    node n(log);
    auto start = n.b.now_tt();
    for (int i = 0; i < 20; ++i) {
        n.publish("a", "a" + std::to_string(i));
        n.publish("b", "b" + std::to_string(i));
    }
    auto all = n.read({"a", "b"}, start);
    EXPECT_TRUE(all.complete) << all.reason;
    ASSERT_EQ(all.messages.size(), 40u);
    for (std::size_t i = 1; i < all.messages.size(); ++i) EXPECT_LT(all.messages[i - 1]->cur.tt, all.messages[i]->cur.tt);
    // Small pages: each log read is cut at 7, and no message is skipped or repeated.
    std::vector<std::string> seen;
    auto cursor = start;
    for (int guard = 0; guard < 20; ++guard) {
        auto page = n.read({"+"}, cursor, 7);
        EXPECT_TRUE(page.complete) << page.reason;
        if (page.messages.empty()) break;
        for (auto& m : page.messages) seen.push_back(m->payload);
        cursor = page.cursor;
    }
    EXPECT_EQ(seen, payloads(all.messages));
}

TEST_F(log_fixture, ephemeral_channels_never_reach_the_log_and_are_delivered_at_once) {
    node n(log);
    test::recording_sink sink;
    auto* s = n.open(1, "sub", &sink, true, 0s);
    n.subscribe(1, s, "tmp/x");
    log.hold(true);
    auto ack = n.publish("tmp/x", "now");
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->cur.offset, 1u);
    EXPECT_EQ(sink.payloads(), std::vector<std::string>{"now"});
    EXPECT_EQ(log.release(), 0u);
    EXPECT_TRUE(log.messages("tmp/x").empty());
}

TEST_F(log_fixture, a_failed_write_refuses_the_publish_delivers_nothing_and_recovers) {
    node n(log);
    test::recording_sink sink;
    auto* s = n.open(1, "sub", &sink, true, 0s);
    n.subscribe(1, s, "room/1");
    auto ok = n.publish("room/1", "kept");
    ASSERT_TRUE(ok);
    log.hold(true);
    std::optional<broker::publish_ack> failed;
    n.d.on(0, [&] {
        core::message m;
        m.topic = "room/1";
        m.payload = "lost";
        n.b.publish(std::move(m), [&](const broker::publish_ack& a) { failed = a; });
    });
    log.fail_writes(errc::storage_full);
    log.release();
    n.d.drain();
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->error, errc::storage_full);
    // While the log cannot write, publishes are refused before they get an offset.
    log.hold(false);
    auto refused = n.publish("room/1", "refused");
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->error);
    EXPECT_EQ(refused->cur.offset, 0u);
    EXPECT_EQ(sink.payloads(), std::vector<std::string>{"kept"});
    // Ephemeral channels keep working meanwhile.
    EXPECT_FALSE(n.publish("tmp/x", "still")->error);
    log.fail_writes({});
    auto back = n.publish("room/1", "back");
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->error);
    EXPECT_EQ(sink.payloads(), (std::vector<std::string>{"kept", "back"}));
    EXPECT_EQ(payloads(log.messages("room/1")), (std::vector<std::string>{"kept", "back"}));
}

TEST_F(log_fixture, a_retried_publish_with_the_same_key_returns_the_original_cursor) {
    node n(log);
    auto first = n.publish("orders", "one", 1, "k-1");
    auto again = n.publish("orders", "one", 1, "k-1");
    auto other = n.publish("orders", "two", 1, "k-2");
    auto elsewhere = n.publish("billing", "one", 1, "k-1");
    ASSERT_TRUE(first && again && other && elsewhere);
    EXPECT_FALSE(first->duplicate);
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->cur, first->cur);
    EXPECT_EQ(other->cur.offset, 2u);
    EXPECT_FALSE(elsewhere->duplicate);
    EXPECT_EQ(payloads(log.messages("orders")), (std::vector<std::string>{"one", "two"}));
    // A retry while the first is still being written waits for it.
    log.hold(true);
    std::optional<broker::publish_ack> a, b;
    n.d.on(0, [&] {
        core::message m;
        m.topic = "orders";
        m.payload = "three";
        m.idempotency_key = "k-3";
        core::message m2 = m;
        n.b.publish(std::move(m), [&](const broker::publish_ack& x) { a = x; });
        n.b.publish(std::move(m2), [&](const broker::publish_ack& x) { b = x; });
    });
    EXPECT_FALSE(a || b);
    log.release();
    n.d.drain();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->cur, b->cur);
    EXPECT_TRUE(b->duplicate);
    // The window survives a restart; past it the key is new again.
    node n2(log);
    auto after = n2.publish("orders", "one", 1, "k-1");
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->duplicate);
    EXPECT_EQ(after->cur, first->cur);
    n2.d.advance(121s);
    auto fresh = n2.publish("orders", "one", 1, "k-1");
    EXPECT_FALSE(fresh->duplicate);
}

TEST_F(log_fixture, a_restart_continues_offsets_epochs_retained_and_reads) {
    core::cursor last;
    std::uint64_t start = 0;
    {
        node n(log);
        start = n.b.now_tt();
        for (int i = 0; i < 3; ++i) last = n.publish("room/1", std::to_string(i))->cur;
        n.publish("status", "up", 1, {}, true);
    }
    node n(log);
    auto next = n.publish("room/1", "3");
    EXPECT_EQ(next->cur.offset, last.offset + 1);
    EXPECT_EQ(next->cur.epoch, last.epoch);
    EXPECT_GT(next->cur.tt, last.tt);
    auto r = n.read({"room/1"}, start);
    EXPECT_TRUE(r.complete) << r.reason;
    EXPECT_EQ(payloads(r.messages), (std::vector<std::string>{"0", "1", "2", "3"}));
    test::recording_sink sink;
    auto* s = n.open(1, "late", &sink, true, 0s);
    auto out = n.subscribe(1, s, "status");
    ASSERT_EQ(out[0].retained.size(), 1u);
    EXPECT_EQ(out[0].retained[0]->payload, "up");
}

TEST_F(log_fixture, a_persistent_session_keeps_subscriptions_queue_and_packet_ids_across_a_restart) {
    {
        node n(log);
        test::recording_sink sink;
        auto* s = n.open(1, "dev", &sink, false, 3600s);
        n.subscribe(1, s, "cmd/#");
        // max_inflight 2: two go out with packet ids, the third waits in the queue.
        for (int i = 0; i < 3; ++i) n.publish("cmd/x", "m" + std::to_string(i));
        ASSERT_EQ(sink.got.size(), 2u);
        auto pid0 = sink.got[0].packet_id;
        n.d.on(1, [&] { EXPECT_TRUE(s->on_puback(pid0)); }); // m0 done; m2 goes out
        ASSERT_EQ(sink.got.size(), 3u);
        n.d.on(1, [&] { n.b.connection_lost(s, true); });
        n.publish("cmd/y", "m3"); // while away
        n.publish("other", "not for dev");
    }
    EXPECT_EQ(log.owed_count(), 3u); // m1 and m2 in flight, m3 queued
    node n(log);
    test::recording_sink sink;
    bool present = false;
    auto* s = n.open(2, "dev", &sink, false, 3600s, &present);
    EXPECT_TRUE(present);
    EXPECT_EQ(s->subscriptions().size(), 1u);
    ASSERT_EQ(sink.got.size(), 2u); // the window: m1, m2 resent with their ids
    EXPECT_EQ(sink.got[0].msg->payload, "m1");
    EXPECT_TRUE(sink.got[0].dup);
    EXPECT_EQ(sink.got[1].msg->payload, "m2");
    n.d.on(2, [&] {
        EXPECT_TRUE(s->on_puback(sink.got[0].packet_id));
        EXPECT_TRUE(s->on_puback(sink.got[1].packet_id));
    });
    ASSERT_EQ(sink.got.size(), 3u);
    EXPECT_EQ(sink.got[2].msg->payload, "m3");
    n.d.on(2, [&] { EXPECT_TRUE(s->on_puback(sink.got[2].packet_id)); });
    EXPECT_EQ(log.owed_count(), 0u);
    // The subscription still routes after the restart.
    n.publish("cmd/z", "m4");
    ASSERT_EQ(sink.got.size(), 4u);
    EXPECT_EQ(sink.got[3].msg->payload, "m4");
}

TEST_F(log_fixture, session_expiry_counts_across_a_restart) {
    {
        node n(log);
        auto* s = n.open(1, "gone", nullptr, false, 60s);
        n.subscribe(1, s, "x");
        n.d.on(1, [&] { n.b.connection_lost(s, false); });
    }
    node n(log);
    n.d.advance(61s);
    bool present = true;
    n.open(0, "gone", nullptr, false, 60s, &present);
    EXPECT_FALSE(present);
}

TEST_F(log_fixture, the_subscribe_horizon_splits_replay_from_live) {
    node n(log);
    auto start = n.b.now_tt();
    n.publish("feed", "old1");
    n.publish("feed", "old2");
    test::recording_sink sink;
    auto* s = n.open(1, "reader", &sink, true, 0s);
    auto out = n.subscribe(1, s, "feed");
    n.publish("feed", "new");
    ASSERT_EQ(sink.got.size(), 1u);
    EXPECT_GT(sink.got[0].msg->cur.tt, out[0].horizon);
    auto replay = n.read({"feed"}, start);
    std::vector<std::string> before;
    for (auto& m : replay.messages)
        if (m->cur.tt <= out[0].horizon) before.push_back(m->payload);
    EXPECT_EQ(before, (std::vector<std::string>{"old1", "old2"}));
}

TEST_F(log_fixture, a_session_moving_while_messages_wait_for_the_log_keeps_their_order) {
    node n(log);
    auto* s = n.open(1, "mover", nullptr, false, 3600s);
    n.subscribe(1, s, "feed");
    n.d.on(1, [&] { n.b.connection_lost(s, false); });
    log.hold(true);
    n.publish("feed", "m1"); // matched to the session on worker 1, waiting for the log
    test::recording_sink sink;
    broker::session* back = nullptr;
    n.d.on(2, [&] { // the client is back, on worker 2; the move waits for m1
        n.b.open_session(2, "mover", false, [&](broker::session* got, bool) {
            back = got;
            got->attach(&sink, 65535);
        });
    });
    EXPECT_EQ(back, nullptr);
    n.publish("feed", "m2"); // matched to worker 2
    log.release();
    n.d.drain();
    log.hold(false);
    n.d.drain();
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(sink.payloads(), (std::vector<std::string>{"m1", "m2"}));
}

} // namespace
