// Joining and leaving: members count once however many connections they have.
#include "fixture.hpp"

using namespace runnel::presence;
using namespace runnel::presence::test;

TEST(presence_membership, join_then_clean_leave_announces_both_with_occupancy) {
    registry r;
    EXPECT_EQ(brief(r.join("room/1", "alice", 1, t0)), strings{"join:alice@1"});
    EXPECT_EQ(brief(r.join("room/1", "bob", 2, t0)), strings{"join:bob@2"});
    auto ev = r.leave("room/1", "alice", 1, t0 + 1s, leave_reason::clean);
    EXPECT_EQ(brief(ev), strings{"leave:alice@1"});
    EXPECT_EQ(ev[0].channel, "room/1");
    EXPECT_EQ(ev[0].state, "{}");
    EXPECT_EQ(ev[0].at, t0 + 1s);
    EXPECT_EQ(r.occupancy("room/1"), 1u);
}

TEST(presence_membership, several_connections_of_one_member_count_once) {
    registry r;
    EXPECT_EQ(brief(r.join("room/1", "alice", 1, t0)), strings{"join:alice@1"});
    EXPECT_TRUE(r.join("room/1", "alice", 2, t0).empty());
    EXPECT_TRUE(r.join("room/1", "alice", 3, t0).empty());
    EXPECT_EQ(r.occupancy("room/1"), 1u);
    EXPECT_EQ(r.stats().connections, 3u);
    EXPECT_TRUE(r.leave("room/1", "alice", 2, t0).empty());
    EXPECT_TRUE(r.leave("room/1", "alice", 1, t0, leave_reason::lost).empty()); // 3 still holds it
    EXPECT_EQ(r.stats().pending_grace, 0u);
    EXPECT_EQ(brief(r.leave("room/1", "alice", 3, t0)), strings{"leave:alice@0"});
    expect_empty(r);
}

TEST(presence_membership, joining_twice_on_one_connection_is_idempotent) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    EXPECT_TRUE(r.join("room/1", "alice", 1, t0 + 1s).empty());
    EXPECT_EQ(r.stats().connections, 1u);
    EXPECT_EQ(brief(r.leave("room/1", "alice", 1, t0 + 2s)), strings{"leave:alice@0"});
}

TEST(presence_membership, leaving_what_is_not_there_is_ignored) {
    registry r;
    EXPECT_TRUE(r.leave("room/1", "alice", 1, t0).empty());
    r.join("room/1", "alice", 1, t0);
    EXPECT_TRUE(r.leave("room/1", "alice", 99, t0).empty()); // another connection id
    EXPECT_TRUE(r.leave("room/1", "bob", 1, t0).empty());
    EXPECT_TRUE(r.leave("room/2", "alice", 1, t0).empty());
    EXPECT_EQ(r.occupancy("room/1"), 1u);
    r.leave("room/1", "alice", 1, t0);
    EXPECT_TRUE(r.leave("room/1", "alice", 1, t0).empty()); // twice
    expect_empty(r);
}

TEST(presence_membership, disconnect_leaves_every_channel_of_that_connection_only) {
    registry r;
    r.join("a", "alice", 1, t0);
    r.join("b", "alice", 1, t0);
    r.join("c", "alice", 2, t0); // another connection of alice
    r.join("b", "bob", 3, t0);
    auto ev = r.disconnect("alice", 1, t0 + 1s, leave_reason::clean);
    EXPECT_EQ(brief(ev), (strings{"leave:alice@0", "leave:alice@1"}));
    EXPECT_EQ(ev[0].channel, "a");
    EXPECT_EQ(ev[1].channel, "b");
    EXPECT_EQ(r.where_now("alice"), strings{"c"});
    EXPECT_EQ(r.where_now("bob"), strings{"b"});
    EXPECT_TRUE(r.disconnect("nobody", 1, t0, leave_reason::clean).empty());
}

TEST(presence_membership, channels_are_independent) {
    registry r;
    EXPECT_EQ(brief(r.join("a", "alice", 1, t0)), strings{"join:alice@1"});
    EXPECT_EQ(brief(r.join("b", "alice", 1, t0)), strings{"join:alice@1"});
    EXPECT_EQ(r.stats().members, 2u);
    EXPECT_EQ(r.stats().clients, 1u);
    EXPECT_EQ(brief(r.leave("a", "alice", 1, t0)), strings{"leave:alice@0"});
    EXPECT_EQ(r.occupancy("b"), 1u);
}

TEST(presence_membership, action_names_match_the_wire) {
    EXPECT_STREQ(to_string(action::join), "join");
    EXPECT_STREQ(to_string(action::leave), "leave");
    EXPECT_STREQ(to_string(action::timeout), "timeout");
    EXPECT_STREQ(to_string(action::state_change), "state-change");
    EXPECT_STREQ(to_string(action::interval), "interval");
}
