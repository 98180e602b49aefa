// The broker across workers with a manual dispatcher: routing, order, retained, QoS flow,
// takeover, wills, expiry, shared groups.
#include "runnel/broker/broker.hpp"

#include "../../support/manual_dispatcher.hpp"
#include "../../support/recording_sink.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace runnel;
using namespace std::chrono_literals;
using ::testing::ElementsAre;

namespace {

core::message_ptr msg(std::string topic, std::string payload, std::uint8_t qos = 0, bool retain = false,
                      std::string from = "pub") {
    core::message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.qos = qos;
    m.retain = retain;
    m.origin_client = std::move(from);
    return core::make_message(std::move(m));
}

struct fixture : ::testing::Test {
    test::manual_dispatcher d{3};
    obs::registry reg;
    broker::broker_stats stats{reg};
    broker::broker b{d, {.shards = 4, .limits = {.max_inflight = 2, .max_queued_messages = 5}}, stats};

    broker::session* open(broker::worker_id w, const std::string& cid, test::recording_sink& sink,
                          bool clean = true, bool* present = nullptr) {
        broker::session* s = nullptr;
        d.on(w, [&] {
            b.open_session(w, cid, clean, [&](broker::session* got, bool p) {
                s = got;
                if (present) *present = p;
                s->attach(&sink, 65535);
            });
        });
        return s;
    }
    void subscribe(broker::worker_id w, broker::session* s, std::string filter, std::uint8_t qos = 0,
                   std::uint8_t rh = 0, bool no_local = false) {
        bool done = false;
        d.on(w, [&] {
            b.subscribe(s, {{std::move(filter), {qos, no_local, false, 0}, rh}}, [&](std::vector<broker::sub_outcome> out) {
                for (auto& m : out[0].retained) s->deliver_retained(m, {qos, false, false, 0}, d.now());
                done = true;
            });
        });
        ASSERT_TRUE(done);
    }
    void publish(broker::worker_id w, core::message_ptr m) {
        d.on(w, [&] { b.publish(core::message(*m)); });
    }
};

TEST_F(fixture, publish_reaches_exact_and_wildcard_subscribers_on_other_workers_in_order) {
    test::recording_sink a, c;
    auto* sa = open(1, "a", a);
    auto* sc = open(2, "c", c);
    subscribe(1, sa, "room/1");
    subscribe(2, sc, "room/+");
    for (int i = 0; i < 50; ++i) publish(0, msg("room/1", std::to_string(i)));
    ASSERT_EQ(a.got.size(), 50u);
    ASSERT_EQ(c.got.size(), 50u);
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(a.got[i].msg->payload, std::to_string(i));
        EXPECT_EQ(c.got[i].msg->payload, std::to_string(i));
    }
}

TEST_F(fixture, overlapping_subscriptions_deliver_once_with_max_qos_and_all_sub_ids) {
    test::recording_sink a;
    auto* s = open(0, "a", a);
    bool done = false;
    d.on(0, [&] {
        b.subscribe(s, {{"x/+", {0, false, false, 7}, 0}, {"x/#", {1, false, false, 9}, 0}},
                    [&](auto) { done = true; });
    });
    ASSERT_TRUE(done);
    publish(1, msg("x/y", "p", 2));
    ASSERT_EQ(a.got.size(), 1u);
    EXPECT_EQ(a.got[0].qos, 1);
    EXPECT_THAT(a.got[0].sub_ids, ::testing::UnorderedElementsAre(7u, 9u));
}

TEST_F(fixture, no_local_skips_the_publishers_own_messages) {
    test::recording_sink a;
    auto* s = open(0, "me", a);
    subscribe(0, s, "t", 0, 0, true);
    publish(0, msg("t", "mine", 0, false, "me"));
    publish(0, msg("t", "theirs", 0, false, "other"));
    EXPECT_THAT(a.payloads(), ElementsAre("theirs"));
}

TEST_F(fixture, retained_messages_follow_retain_handling_and_empty_payload_clears) {
    publish(0, msg("r/1", "one", 0, true));
    publish(0, msg("r/2", "two", 0, true));
    test::recording_sink a;
    auto* s = open(1, "a", a);
    subscribe(1, s, "r/#");
    EXPECT_THAT(a.payloads(), ::testing::UnorderedElementsAre("one", "two"));
    EXPECT_TRUE(a.got[0].retain);
    a.got.clear();
    subscribe(1, s, "r/#", 0, 1); // exists already: handling 1 sends nothing
    EXPECT_TRUE(a.got.empty());
    publish(0, msg("r/1", "", 0, true));
    a.got.clear();
    subscribe(1, s, "r/+", 0, 0);
    EXPECT_THAT(a.payloads(), ElementsAre("two"));
    EXPECT_EQ(stats.retained.value(), 1);
}

TEST_F(fixture, qos1_window_queues_and_acks_pump_in_order) {
    test::recording_sink a;
    auto* s = open(0, "a", a);
    subscribe(0, s, "q", 1);
    for (int i = 0; i < 4; ++i) publish(1, msg("q", std::to_string(i), 1));
    ASSERT_EQ(a.got.size(), 2u); // window of 2
    d.on(0, [&] { EXPECT_TRUE(s->on_puback(a.got[0].packet_id)); });
    ASSERT_EQ(a.got.size(), 3u);
    EXPECT_EQ(a.got[2].msg->payload, "2");
    EXPECT_FALSE(s->on_puback(999));
    EXPECT_EQ(s->queued(), 1u);
}

TEST_F(fixture, full_session_queue_drops_newest_and_counts) {
    test::recording_sink a;
    auto* s = open(0, "a", a);
    subscribe(0, s, "q", 1);
    for (int i = 0; i < 10; ++i) publish(1, msg("q", std::to_string(i), 1));
    EXPECT_EQ(s->inflight(), 2u);
    EXPECT_EQ(s->queued(), 5u);
    EXPECT_EQ(stats.dropped_queue_full.value(), 3u);
}

TEST_F(fixture, persistent_session_moves_to_the_new_worker_with_inflight_and_queue) {
    test::recording_sink first, second;
    auto* s = open(0, "dev", first, false);
    s->set_expiry(60s);
    subscribe(0, s, "cmd/#", 1);
    publish(2, msg("cmd/1", "a", 1));
    d.on(0, [&] { b.connection_lost(s, false); });
    publish(2, msg("cmd/1", "b", 1));
    publish(2, msg("cmd/1", "c", 1));
    bool present = false;
    auto* s2 = open(1, "dev", second, false, &present);
    EXPECT_TRUE(present);
    EXPECT_EQ(s2->id(), s->id());
    ASSERT_EQ(second.got.size(), 2u); // "a" resent with dup, then "b" (window 2)
    EXPECT_EQ(second.got[0].msg->payload, "a");
    EXPECT_TRUE(second.got[0].dup);
    EXPECT_EQ(second.got[1].msg->payload, "b");
    // Subscriptions now point at worker 1: a new publish arrives there.
    d.on(1, [&] { s2->on_puback(second.got[0].packet_id); s2->on_puback(second.got[1].packet_id); });
    publish(0, msg("cmd/2", "d", 1));
    EXPECT_THAT(second.payloads(), ElementsAre("a", "b", "c", "d"));
}

TEST_F(fixture, takeover_kicks_the_old_connection_and_clean_start_discards) {
    test::recording_sink first, second, third;
    auto* s = open(0, "dup", first, false);
    s->set_expiry(60s);
    subscribe(0, s, "t");
    bool present = false;
    auto* s2 = open(2, "dup", second, false, &present);
    EXPECT_THAT(first.kicked, ElementsAre(errc::session_taken_over));
    EXPECT_TRUE(present);
    ASSERT_NE(s2, nullptr);
    auto old_id = s2->id(); // s2 ends with the clean start below
    auto* s3 = open(1, "dup", third, true, &present);
    EXPECT_FALSE(present);
    EXPECT_NE(s3->id(), old_id);
    EXPECT_THAT(second.kicked, ElementsAre(errc::session_taken_over));
    publish(0, msg("t", "x"));
    EXPECT_TRUE(third.got.empty());
    EXPECT_EQ(stats.subscriptions.value(), 0);
}

TEST_F(fixture, will_is_published_on_abnormal_loss_only_and_after_its_delay) {
    test::recording_sink watcher, w1, w2;
    auto* sw = open(0, "watch", watcher);
    subscribe(0, sw, "wills/#");
    auto* s = open(1, "w1", w1);
    s->will() = broker::will_spec{msg("wills/w1", "gone"), 0s};
    d.on(1, [&] { b.connection_lost(s, true); });
    EXPECT_THAT(watcher.payloads(), ElementsAre("gone"));

    auto* s2 = open(1, "w2", w2);
    s2->will() = broker::will_spec{msg("wills/w2", "bye"), 0s};
    d.on(1, [&] { b.connection_lost(s2, false); });
    EXPECT_EQ(watcher.got.size(), 1u);

    test::recording_sink w3, w3b;
    auto* s3 = open(2, "w3", w3, false);
    s3->set_expiry(100s);
    s3->will() = broker::will_spec{msg("wills/w3", "late"), 10s};
    d.on(2, [&] { b.connection_lost(s3, true); });
    d.advance(5s);
    EXPECT_EQ(watcher.got.size(), 1u);
    open(2, "w3", w3b, false); // back within the delay: no will
    d.advance(20s);
    EXPECT_EQ(watcher.got.size(), 1u);
}

TEST_F(fixture, session_expiry_ends_the_session_and_its_subscriptions) {
    test::recording_sink a;
    auto* s = open(0, "exp", a, false);
    s->set_expiry(30s);
    subscribe(0, s, "e/#", 1);
    d.on(0, [&] { b.connection_lost(s, false); });
    publish(1, msg("e/1", "queued", 1));
    EXPECT_EQ(stats.queued.value(), 1);
    d.advance(31s);
    EXPECT_EQ(stats.sessions.value(), 0);
    EXPECT_EQ(stats.subscriptions.value(), 0);
    EXPECT_EQ(stats.queued.value(), 0);
    test::recording_sink again;
    bool present = true;
    open(0, "exp", again, false, &present);
    EXPECT_FALSE(present);
}

TEST_F(fixture, shared_group_round_robins_and_redelivers_when_a_member_leaves) {
    test::recording_sink m1, m2;
    auto* s1 = open(0, "m1", m1);
    auto* s2 = open(1, "m2", m2);
    subscribe(0, s1, "$share/g/jobs/+", 1);
    subscribe(1, s2, "$share/g/jobs/+", 1);
    for (int i = 0; i < 4; ++i) publish(2, msg("jobs/x", std::to_string(i), 1));
    EXPECT_EQ(m1.got.size(), 2u);
    EXPECT_EQ(m2.got.size(), 2u);
    d.on(1, [&] { for (const auto& g : m2.got) s2->on_puback(g.packet_id); }); // free m2's window
    // m1 leaves without acknowledging: its two messages go to m2.
    d.on(0, [&] { b.connection_lost(s1, false); });
    EXPECT_EQ(m2.got.size(), 4u);
    auto all = m1.payloads();
    std::vector<std::string> got2 = m2.payloads();
    EXPECT_THAT(std::vector<std::string>(got2.begin() + 2, got2.end()), ::testing::UnorderedElementsAreArray(all));
}

TEST_F(fixture, unsubscribe_reports_existence_and_stops_delivery) {
    test::recording_sink a;
    auto* s = open(0, "a", a);
    subscribe(0, s, "u/+");
    std::vector<bool> existed;
    d.on(0, [&] { b.unsubscribe(s, {"u/+", "nope"}, [&](std::vector<bool> e) { existed = e; }); });
    EXPECT_THAT(existed, ElementsAre(true, false));
    publish(1, msg("u/1", "x"));
    EXPECT_TRUE(a.got.empty());
}

TEST_F(fixture, expired_messages_are_not_delivered) {
    test::recording_sink a;
    auto* s = open(0, "a", a);
    subscribe(0, s, "x", 1);
    core::message m;
    m.topic = "x";
    m.payload = "old";
    m.qos = 1;
    m.expires_at = d.now() - 1s;
    publish(1, core::make_message(std::move(m)));
    EXPECT_TRUE(a.got.empty());
    EXPECT_EQ(stats.dropped_expired.value(), 1u);
}

TEST_F(fixture, a_session_moving_to_another_worker_keeps_its_messages_in_order) {
    // The topic's shard must not run on the session's old or new worker for the interleaving
    // below: shard_of is std::hash, so pick a topic whose shard runs on worker 0.
    std::string topic;
    for (int i = 0; topic.empty(); ++i) {
        auto t = "move/" + std::to_string(i);
        if (std::hash<std::string_view>{}(t) % 4 % 3 == 0) topic = t;
    }
    test::recording_sink first;
    auto* s = open(1, "mover", first, false);
    d.on(1, [&] { s->set_expiry(std::chrono::seconds(60)); });
    subscribe(1, s, topic, 1);
    d.on(1, [&] { b.connection_lost(s, false); });
    // The client comes back on worker 2 while messages flow.
    test::recording_sink second;
    d.start(2, [&] {
        b.open_session(2, "mover", false, [&](broker::session* got, bool) { got->attach(&second, 65535); });
    });
    d.step(1); // the takeover starts on the old worker
    d.start(0, [&] { b.publish(core::message(*msg(topic, "m1", 1))); }); // routed the old way
    d.step(2);
    d.step(0); // the shard now routes to worker 2
    d.start(0, [&] { b.publish(core::message(*msg(topic, "m2", 1))); }); // routed the new way
    d.drain();
    EXPECT_EQ(second.payloads(), (std::vector<std::string>{"m1", "m2"}));
}

} // namespace
