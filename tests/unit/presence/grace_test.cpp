// Lost connections and the grace; polled (long-poll) members and their timeout.
#include "fixture.hpp"

using namespace runnel::presence;
using namespace runnel::presence::test;

namespace {
options quick() {
    options o;
    o.grace = 15s;
    o.timeout = 60s;
    return o;
}
} // namespace

TEST(presence_grace, a_lost_connection_times_out_only_after_the_grace) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    EXPECT_TRUE(r.leave("room/1", "alice", 1, t0 + 1s, leave_reason::lost).empty());
    // Still present during the grace: occupancy, here-now and where-now all count it.
    EXPECT_EQ(r.occupancy("room/1"), 1u);
    EXPECT_EQ(r.where_now("alice"), strings{"room/1"});
    EXPECT_EQ(r.stats().pending_grace, 1u);
    EXPECT_EQ(r.stats().connections, 0u);
    EXPECT_EQ(r.next_deadline(), t0 + 16s);
    EXPECT_TRUE(r.advance(t0 + 16s - 1ms).empty());
    auto ev = r.advance(t0 + 20s);
    EXPECT_EQ(brief(ev), strings{"timeout:alice@0"});
    EXPECT_EQ(ev[0].at, t0 + 16s); // stamped with the deadline, not the late advance
    expect_empty(r);
}

TEST(presence_grace, rejoining_within_the_grace_makes_no_flap) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    r.leave("room/1", "alice", 1, t0 + 1s, leave_reason::lost);
    EXPECT_TRUE(r.join("room/1", "alice", 7, t0 + 10s).empty()); // a new connection
    EXPECT_EQ(r.stats().pending_grace, 0u);
    EXPECT_TRUE(r.advance(t0 + 1h).empty()); // the grace deadline was cancelled
    EXPECT_EQ(r.occupancy("room/1"), 1u);
    EXPECT_EQ(r.stats().deadlines, 0u);
}

TEST(presence_grace, the_same_connection_id_may_come_back_too) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    r.leave("room/1", "alice", 1, t0, leave_reason::lost);
    EXPECT_TRUE(r.join("room/1", "alice", 1, t0 + 14s).empty());
    EXPECT_TRUE(r.advance(t0 + 1h).empty());
}

TEST(presence_grace, a_second_loss_starts_a_fresh_grace) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    r.leave("room/1", "alice", 1, t0, leave_reason::lost);
    r.join("room/1", "alice", 2, t0 + 10s);
    r.leave("room/1", "alice", 2, t0 + 20s, leave_reason::lost);
    EXPECT_TRUE(r.advance(t0 + 34s).empty());
    EXPECT_EQ(brief(r.advance(t0 + 35s)), strings{"timeout:alice@0"});
}

TEST(presence_grace, a_disconnect_that_loses_several_channels_times_out_in_each) {
    registry r(quick());
    r.join("a", "alice", 1, t0);
    r.join("b", "alice", 1, t0);
    EXPECT_TRUE(r.disconnect("alice", 1, t0, leave_reason::lost).empty());
    EXPECT_EQ(r.stats().pending_grace, 2u);
    auto ev = r.advance(t0 + 15s);
    ASSERT_EQ(brief(ev), (strings{"timeout:alice@0", "timeout:alice@0"}));
    EXPECT_EQ(ev[0].channel, "a");
    EXPECT_EQ(ev[1].channel, "b");
    expect_empty(r);
}

TEST(presence_grace, reconnecting_within_the_grace_keeps_each_channel_quiet) {
    registry r(quick());
    r.join("a", "alice", 1, t0);
    r.join("b", "alice", 1, t0);
    r.disconnect("alice", 1, t0, leave_reason::lost);
    EXPECT_TRUE(r.join("a", "alice", 2, t0 + 5s).empty());
    // b was not re-joined: it alone times out.
    auto ev = r.advance(t0 + 15s);
    ASSERT_EQ(brief(ev), strings{"timeout:alice@0"});
    EXPECT_EQ(ev[0].channel, "b");
    EXPECT_EQ(r.where_now("alice"), strings{"a"});
}

TEST(presence_grace, a_clean_leave_is_immediate_even_with_a_grace) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    EXPECT_EQ(brief(r.leave("room/1", "alice", 1, t0, leave_reason::clean)), strings{"leave:alice@0"});
    expect_empty(r);
}

TEST(presence_grace, zero_grace_times_out_at_once) {
    options o;
    o.grace = 0s;
    registry r(o);
    r.join("room/1", "alice", 1, t0);
    EXPECT_EQ(brief(r.leave("room/1", "alice", 1, t0, leave_reason::lost)), strings{"timeout:alice@0"});
    expect_empty(r);
}

TEST(presence_grace, a_polled_member_stays_while_it_touches_and_times_out_when_it_stops) {
    registry r(quick());
    EXPECT_EQ(brief(r.touch("room/1", "poller", 5, t0)), strings{"join:poller@1"});
    EXPECT_EQ(r.stats().polled, 1u);
    for (int i = 1; i <= 10; ++i) { // a poll every 50 s keeps it for 500 s
        EXPECT_TRUE(r.advance(t0 + i * 50s).empty());
        EXPECT_TRUE(r.touch("room/1", "poller", 5, t0 + i * 50s).empty());
    }
    EXPECT_EQ(r.stats().deadlines, 1u); // each touch replaced the deadline
    EXPECT_TRUE(r.advance(t0 + 559s).empty());
    auto ev = r.advance(t0 + 600s);
    EXPECT_EQ(brief(ev), strings{"timeout:poller@0"}); // the timeout is the grace: no extra wait
    EXPECT_EQ(ev[0].at, t0 + 560s);
    expect_empty(r);
}

TEST(presence_grace, a_polled_connection_expiring_beside_a_held_one_changes_nothing) {
    registry r(quick());
    r.join("room/1", "alice", 1, t0);
    r.touch("room/1", "alice", 2, t0);
    EXPECT_TRUE(r.advance(t0 + 61s).empty());
    EXPECT_EQ(r.occupancy("room/1"), 1u);
    EXPECT_EQ(r.stats().connections, 1u);
    EXPECT_EQ(r.stats().polled, 0u);
}

TEST(presence_grace, a_polled_member_may_leave_cleanly) {
    registry r(quick());
    r.touch("room/1", "poller", 5, t0);
    EXPECT_EQ(brief(r.leave("room/1", "poller", 5, t0 + 1s)), strings{"leave:poller@0"});
    expect_empty(r);
}

TEST(presence_grace, switching_liveness_keeps_the_counts_right) {
    registry r(quick());
    r.touch("room/1", "alice", 1, t0);
    r.join("room/1", "alice", 1, t0, liveness::held); // now held: no poll deadline
    EXPECT_EQ(r.stats().polled, 0u);
    EXPECT_EQ(r.stats().deadlines, 0u);
    EXPECT_TRUE(r.advance(t0 + 1h).empty());
    r.touch("room/1", "alice", 1, t0 + 1h);
    EXPECT_EQ(r.stats().polled, 1u);
    EXPECT_EQ(brief(r.advance(t0 + 2h)), strings{"timeout:alice@0"});
    expect_empty(r);
}

TEST(presence_grace, deadlines_fire_in_order_across_channels) {
    registry r(quick());
    r.join("a", "x", 1, t0);
    r.join("b", "y", 2, t0);
    r.join("c", "z", 3, t0);
    r.leave("c", "z", 3, t0 + 1s, leave_reason::lost);
    r.leave("a", "x", 1, t0 + 2s, leave_reason::lost);
    r.leave("b", "y", 2, t0 + 3s, leave_reason::lost);
    EXPECT_EQ(r.next_deadline(), t0 + 16s);
    auto ev = r.advance(t0 + 1h);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].member, "z");
    EXPECT_EQ(ev[1].member, "x");
    EXPECT_EQ(ev[2].member, "y");
}
