// here-now and where-now.
#include "fixture.hpp"

using namespace runnel::presence;
using namespace runnel::presence::test;

TEST(presence_queries, here_now_lists_members_with_state_sorted) {
    registry r;
    r.join("room/1", "carol", 3, t0);
    r.join("room/1", "alice", 1, t0);
    r.join("room/1", "bob", 2, t0);
    r.set_state("room/1", "bob", R"({"away":true})", t0);
    auto h = r.here_now("room/1");
    EXPECT_EQ(h.occupancy, 3u);
    EXPECT_TRUE(h.listed);
    ASSERT_EQ(h.members.size(), 3u);
    EXPECT_EQ(h.members[0].member, "alice");
    EXPECT_EQ(h.members[0].state, "{}");
    EXPECT_EQ(h.members[1].member, "bob");
    EXPECT_EQ(h.members[1].state, R"({"away":true})");
    EXPECT_EQ(h.members[2].member, "carol");
}

TEST(presence_queries, here_now_of_an_unknown_channel_is_empty) {
    registry r;
    auto h = r.here_now("nowhere");
    EXPECT_EQ(h.occupancy, 0u);
    EXPECT_TRUE(h.listed);
    EXPECT_TRUE(h.members.empty());
}

TEST(presence_queries, over_here_now_max_only_occupancy_is_returned) {
    options o;
    o.here_now_max = 3;
    registry r(o);
    for (int i = 0; i < 3; ++i)
        r.join("c", "m" + std::to_string(i), static_cast<conn_id>(i), t0);
    EXPECT_TRUE(r.here_now("c").listed);
    r.join("c", "m3", 3, t0);
    auto h = r.here_now("c");
    EXPECT_EQ(h.occupancy, 4u);
    EXPECT_FALSE(h.listed);
    EXPECT_TRUE(h.members.empty());
}

TEST(presence_queries, where_now_spans_channels_and_follows_leaves) {
    registry r;
    r.join("b", "alice", 1, t0);
    r.join("a", "alice", 1, t0);
    r.join("c", "alice", 2, t0);
    r.join("a", "bob", 3, t0);
    EXPECT_EQ(r.where_now("alice"), (strings{"a", "b", "c"}));
    EXPECT_EQ(r.where_now("bob"), strings{"a"});
    EXPECT_TRUE(r.where_now("carol").empty());
    r.leave("b", "alice", 1, t0);
    EXPECT_EQ(r.where_now("alice"), (strings{"a", "c"}));
    r.leave("a", "alice", 1, t0, leave_reason::lost); // in its grace: still there
    EXPECT_EQ(r.where_now("alice"), (strings{"a", "c"}));
    r.advance(t0 + 1h);
    EXPECT_EQ(r.where_now("alice"), strings{"c"});
}
