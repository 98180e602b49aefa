// Per-member state: a small JSON object, size-limited, announced as state-change.
#include "fixture.hpp"

using namespace runnel::presence;
using namespace runnel::presence::test;

TEST(presence_state, set_state_announces_state_change_with_compact_json) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    r.join("room/1", "bob", 2, t0);
    auto ev = r.set_state("room/1", "alice", R"( { "mood" : "happy", "n": 1 } )", t0 + 1s);
    ASSERT_TRUE(ev);
    ASSERT_EQ(brief(*ev), strings{"state-change:alice@2"});
    EXPECT_EQ((*ev)[0].state, R"({"mood":"happy","n":1})");
    EXPECT_EQ(r.get_state("room/1", "alice"), R"({"mood":"happy","n":1})");
    EXPECT_EQ(r.get_state("room/1", "bob"), "{}");
    EXPECT_FALSE(r.get_state("room/1", "carol"));
    EXPECT_FALSE(r.get_state("room/2", "alice"));
}

TEST(presence_state, the_same_state_again_announces_nothing) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    ASSERT_EQ(r.set_state("room/1", "alice", R"({"a":1})", t0)->size(), 1u);
    EXPECT_TRUE(r.set_state("room/1", "alice", R"({ "a" : 1 })", t0)->empty());
    EXPECT_TRUE(r.set_state("room/2", "alice", R"({})", t0).has_error()); // not in room/2
    EXPECT_EQ(r.set_state("room/1", "alice", "{}", t0)->size(), 1u);       // cleared
    EXPECT_EQ(r.get_state("room/1", "alice"), "{}");
}

TEST(presence_state, only_present_members_have_state) {
    registry r;
    auto res = r.set_state("room/1", "alice", R"({"a":1})", t0);
    ASSERT_TRUE(res.has_error());
    EXPECT_EQ(res.error(), runnel::errc::not_found);
}

TEST(presence_state, state_must_be_a_json_object) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    for (const char* bad : {"", "[1,2]", "\"s\"", "42", "null", "{", "{\"a\":}", "{} {}"}) {
        auto res = r.set_state("room/1", "alice", bad, t0);
        ASSERT_TRUE(res.has_error()) << bad;
        EXPECT_EQ(res.error(), runnel::errc::malformed_packet) << bad;
    }
    EXPECT_EQ(r.get_state("room/1", "alice"), "{}");
}

TEST(presence_state, state_over_the_limit_is_refused) {
    options o;
    o.max_state_bytes = 1024;
    registry r(o);
    r.join("room/1", "alice", 1, t0);
    const std::string head = R"({"v":")", tail = R"("})";
    std::string fits = head + std::string(1024 - head.size() - tail.size(), 'x') + tail;
    ASSERT_EQ(fits.size(), 1024u);
    EXPECT_TRUE(r.set_state("room/1", "alice", fits, t0));
    std::string over = head + std::string(1025 - head.size() - tail.size(), 'x') + tail;
    auto res = r.set_state("room/1", "alice", over, t0);
    ASSERT_TRUE(res.has_error());
    EXPECT_EQ(res.error(), runnel::errc::packet_too_large);
    EXPECT_EQ(r.get_state("room/1", "alice"), fits); // the old state stays
    // Whitespace does not count: the limit applies to the compact form once it is parsed...
    options roomy;
    roomy.max_state_bytes = 16;
    registry r2(roomy);
    r2.join("c", "m", 1, t0);
    EXPECT_TRUE(r2.set_state("c", "m", R"({"a":1})", t0));
    // ...but input larger than the limit is refused before parsing.
    EXPECT_EQ(r2.set_state("c", "m", R"({"a":1}                    )", t0).error(),
              runnel::errc::packet_too_large);
}

TEST(presence_state, state_survives_the_grace_and_is_reported_on_timeout) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    ASSERT_TRUE(r.set_state("room/1", "alice", R"({"typing":true})", t0));
    r.leave("room/1", "alice", 1, t0, leave_reason::lost);
    // Still settable in the grace (the member is still present).
    EXPECT_TRUE(r.set_state("room/1", "alice", R"({"typing":false})", t0 + 1s));
    r.join("room/1", "alice", 2, t0 + 5s);
    EXPECT_EQ(r.get_state("room/1", "alice"), R"({"typing":false})");
    r.leave("room/1", "alice", 2, t0 + 6s, leave_reason::lost);
    auto ev = r.advance(t0 + 1h);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].state, R"({"typing":false})");
}

TEST(presence_state, the_leave_event_carries_the_last_state_and_a_rejoin_starts_empty) {
    registry r;
    r.join("room/1", "alice", 1, t0);
    r.set_state("room/1", "alice", R"({"x":1})", t0);
    auto ev = r.leave("room/1", "alice", 1, t0);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].state, R"({"x":1})");
    auto again = r.join("room/1", "alice", 1, t0);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].state, "{}");
}

TEST(presence_state, state_is_per_channel) {
    registry r;
    r.join("a", "alice", 1, t0);
    r.join("b", "alice", 1, t0);
    r.set_state("a", "alice", R"({"in":"a"})", t0);
    EXPECT_EQ(r.get_state("b", "alice"), "{}");
}

TEST(presence_state, compact_state_is_what_set_state_would_keep) {
    EXPECT_EQ(compact_state(R"({ "a" : 1 })", 64).value(), R"({"a":1})");
    EXPECT_EQ(compact_state("{ }", 64).value(), ""); // {} is stored as nothing
    EXPECT_EQ(compact_state("[1]", 64).error(), make_error_code(runnel::errc::malformed_packet));
    EXPECT_EQ(compact_state("{", 64).error(), make_error_code(runnel::errc::malformed_packet));
    EXPECT_EQ(compact_state(R"({"a":"xxxxxxxx"})", 8).error(), make_error_code(runnel::errc::packet_too_large));
    // Over the limit as sent but not compact: still refused before parsing.
    EXPECT_EQ(compact_state(R"({"a" :    1})", 8).error(), make_error_code(runnel::errc::packet_too_large));
}
