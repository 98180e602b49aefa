// A long-poll's end hands over to the member's polled connection (handoff), and an HTTP client
// leaves with all of its HTTP connections at once (leave_matching, `POST .../presence/leave`).
#include "fixture.hpp"

using namespace runnel::presence;
using namespace runnel::presence::test;

namespace {
constexpr conn_id http = conn_id{1} << 62; // the bit the gateways put on HTTP connections
constexpr conn_id polled = (conn_id{1} << 63) | http | 5;
// Registries below use the defaults: presence.grace 15 s, presence.timeout 60 s.
} // namespace

TEST(presence_handoff, a_poll_end_hands_over_to_the_polled_connection_silently) {
    registry r;
    EXPECT_EQ(brief(r.join("feed", "lp", http | 1, t0)), strings{"join:lp@1"});
    EXPECT_TRUE(r.handoff("feed", "lp", http | 1, polled, t0 + 1s).empty());
    EXPECT_EQ(r.stats().connections, 1u);
    EXPECT_EQ(r.stats().polled, 1u);
    EXPECT_EQ(r.next_deadline(), t0 + 61s); // presence.timeout from the poll's end
    EXPECT_EQ(brief(r.advance(t0 + 61s)), strings{"timeout:lp@0"});
    expect_empty(r);
}

TEST(presence_handoff, a_poll_that_ends_after_its_member_left_does_not_bring_it_back) {
    registry r;
    r.join("feed", "lp", http | 1, t0);
    EXPECT_EQ(brief(r.leave_matching("feed", "lp", http, t0 + 1s)), strings{"leave:lp@0"});
    EXPECT_TRUE(r.handoff("feed", "lp", http | 1, polled, t0 + 2s).empty());
    expect_empty(r);
}

TEST(presence_handoff, a_left_poll_does_not_pin_a_member_another_connection_holds) {
    registry r;
    r.join("feed", "alice", 4, t0);        // MQTT
    r.join("feed", "alice", http | 1, t0); // a waiting poll
    EXPECT_TRUE(r.leave_matching("feed", "alice", http, t0 + 1s).empty());
    EXPECT_TRUE(r.handoff("feed", "alice", http | 1, polled, t0 + 2s).empty()); // the poll ends
    EXPECT_EQ(r.stats().polled, 0u);
    // So the MQTT unsubscribe is the member's leave, not a timeout 60 s later.
    EXPECT_EQ(brief(r.leave("feed", "alice", 4, t0 + 3s)), strings{"leave:alice@0"});
    expect_empty(r);
}

TEST(presence_handoff, an_unknown_poll_connection_changes_nothing) {
    registry r;
    r.join("feed", "lp", http | 1, t0);
    EXPECT_TRUE(r.handoff("feed", "lp", http | 9, polled, t0 + 1s).empty());
    EXPECT_TRUE(r.handoff("other", "lp", http | 1, polled, t0 + 1s).empty());
    EXPECT_EQ(r.stats().polled, 0u);
    EXPECT_EQ(r.stats().connections, 1u);
}

TEST(presence_leave_matching, every_http_connection_leaves_and_the_member_leaves_once) {
    registry r;
    r.join("feed", "lp", http | 1, t0);     // a waiting poll
    r.join("feed", "lp", http | 2, t0);     // an SSE stream
    r.touch("feed", "lp", polled, t0);      // between polls
    r.join("feed", "other", http | 3, t0);  // someone else
    EXPECT_EQ(brief(r.leave_matching("feed", "lp", http, t0 + 1s)), strings{"leave:lp@1"});
    EXPECT_EQ(r.occupancy("feed"), 1u);
    EXPECT_EQ(r.where_now("lp"), strings{});
    EXPECT_EQ(r.stats().polled, 0u);
}

TEST(presence_leave_matching, a_member_in_its_grace_leaves_at_once) {
    registry r;
    r.join("tv", "viewer", http | 2, t0);
    EXPECT_TRUE(r.disconnect("viewer", http | 2, t0 + 1s, leave_reason::lost).empty()); // stream gone
    EXPECT_EQ(r.stats().pending_grace, 1u);
    EXPECT_EQ(brief(r.leave_matching("tv", "viewer", http, t0 + 2s)), strings{"leave:viewer@0"});
    expect_empty(r); // the grace deadline went with it
}

TEST(presence_leave_matching, other_connections_keep_the_member) {
    registry r;
    r.join("feed", "alice", 4, t0);        // MQTT
    r.join("feed", "alice", http | 5, t0); // long-poll
    EXPECT_TRUE(r.leave_matching("feed", "alice", http, t0 + 1s).empty());
    EXPECT_EQ(r.occupancy("feed"), 1u);
    EXPECT_EQ(r.stats().connections, 1u);
    EXPECT_TRUE(r.leave_matching("nowhere", "alice", http, t0 + 1s).empty());
    EXPECT_TRUE(r.leave_matching("feed", "nobody", http, t0 + 1s).empty());
    EXPECT_EQ(brief(r.leave("feed", "alice", 4, t0 + 2s)), strings{"leave:alice@0"});
    expect_empty(r);
}
