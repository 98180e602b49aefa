// Interval mode: above announce_max a channel batches joins/leaves/timeouts into interval events.
#include "fixture.hpp"

#include <algorithm>

using namespace runnel::presence;
using namespace runnel::presence::test;

namespace {

options batched(std::size_t announce_max = 100) {
    options o;
    o.announce_max = announce_max;
    o.interval = 10s;
    o.grace = 15s;
    o.interval_list_max = 0; // no cap unless a test sets one
    return o;
}

std::string name(int i) { return "m" + std::to_string(i); }

/// Joins m0..m{n-1} on connections 1..n; returns every event.
std::vector<event> fill(registry& r, int from, int to, time_point at) {
    std::vector<event> all;
    for (int i = from; i < to; ++i) {
        auto ev = r.join("big", name(i), static_cast<conn_id>(i + 1), at);
        all.insert(all.end(), ev.begin(), ev.end());
    }
    return all;
}

} // namespace

TEST(presence_interval, ten_thousand_joins_become_interval_events) {
    registry r(batched());
    auto ev = fill(r, 0, 10000, t0);
    // The first 100 are announced one by one; the 101st crosses announce_max and is batched.
    ASSERT_EQ(ev.size(), 100u);
    EXPECT_EQ(ev.back().occupancy, 100u);
    EXPECT_TRUE(r.in_interval_mode("big"));
    EXPECT_EQ(r.occupancy("big"), 10000u);
    EXPECT_EQ(r.next_deadline(), t0 + 10s);

    EXPECT_TRUE(r.advance(t0 + 10s - 1ms).empty());
    auto tick = r.advance(t0 + 10s);
    ASSERT_EQ(tick.size(), 1u);
    const event& e = tick[0];
    EXPECT_EQ(e.what, action::interval);
    EXPECT_EQ(e.channel, "big");
    EXPECT_TRUE(e.member.empty());
    EXPECT_EQ(e.occupancy, 10000u);
    EXPECT_EQ(e.joined.size(), 9900u);
    EXPECT_TRUE(std::is_sorted(e.joined.begin(), e.joined.end()));
    EXPECT_TRUE(std::binary_search(e.joined.begin(), e.joined.end(), name(100)));
    EXPECT_FALSE(std::binary_search(e.joined.begin(), e.joined.end(), name(99))); // announced
    EXPECT_TRUE(e.left.empty());
    EXPECT_TRUE(e.timed_out.empty());
    EXPECT_FALSE(e.refresh);

    // Departures are batched too; the next interval lists only what changed since.
    for (int i = 0; i < 500; ++i)
        EXPECT_TRUE(r.leave("big", name(i), static_cast<conn_id>(i + 1), t0 + 11s).empty());
    for (int i = 500; i < 700; ++i)
        EXPECT_TRUE(r.leave("big", name(i), static_cast<conn_id>(i + 1), t0 + 11s, leave_reason::lost).empty());
    auto next = r.advance(t0 + 20s);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].occupancy, 9500u); // the 200 in their grace still count
    EXPECT_TRUE(next[0].joined.empty());
    EXPECT_EQ(next[0].left.size(), 500u);
    EXPECT_TRUE(next[0].timed_out.empty());
    auto later = r.advance(t0 + 30s); // the grace ended at 26 s
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].occupancy, 9300u);
    EXPECT_EQ(later[0].timed_out.size(), 200u);
}

TEST(presence_interval, changes_that_cancel_out_within_an_interval_are_not_listed) {
    registry r(batched(2));
    fill(r, 0, 3, t0); // m2 crosses announce_max = 2
    auto first = r.advance(t0 + 10s);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].joined, strings{"m2"});

    r.join("big", "new", 100, t0 + 11s);     // joins then leaves: never seen
    r.leave("big", "new", 100, t0 + 12s);
    r.leave("big", "m0", 1, t0 + 11s);       // leaves then comes back: never gone
    r.join("big", "m0", 1, t0 + 12s);
    r.join("big", "stays", 101, t0 + 13s);   // a net join
    r.leave("big", "m1", 2, t0 + 13s);       // a net leave
    r.join("big", "late", 102, t0 + 14s);    // joins, leaves, joins again: a net join
    r.leave("big", "late", 102, t0 + 14s);
    r.join("big", "late", 102, t0 + 15s);
    auto ev = r.advance(t0 + 20s);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].joined, (strings{"late", "stays"}));
    EXPECT_EQ(ev[0].left, strings{"m1"});
    EXPECT_TRUE(ev[0].timed_out.empty());
    EXPECT_EQ(ev[0].occupancy, 4u); // m0 m2 stays late
}

TEST(presence_interval, an_interval_event_comes_every_interval_even_without_changes) {
    registry r(batched(1));
    fill(r, 0, 2, t0);
    for (int i = 1; i <= 5; ++i) {
        auto ev = r.advance(t0 + i * 10s);
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].at, t0 + i * 10s);
        EXPECT_EQ(ev[0].occupancy, 2u);
    }
    // After a stall, one event and the cadence resumes from now (no burst of missed ticks).
    auto ev = r.advance(t0 + 1000s);
    EXPECT_EQ(ev.size(), 1u);
    EXPECT_EQ(r.next_deadline(), t0 + 1010s);
}

TEST(presence_interval, state_changes_are_still_announced_per_member) {
    registry r(batched(1));
    fill(r, 0, 2, t0);
    auto ev = r.set_state("big", "m1", R"({"k":1})", t0 + 1s);
    ASSERT_TRUE(ev);
    EXPECT_EQ(brief(*ev), strings{"state-change:m1@2"});
}

TEST(presence_interval, hysteresis_then_a_flush_and_per_member_events_again) {
    registry r(batched(100)); // enters above 100, leaves at 90 or fewer
    fill(r, 0, 101, t0);
    ASSERT_TRUE(r.in_interval_mode("big"));
    r.advance(t0 + 10s);
    for (int i = 0; i < 10; ++i) // down to 91: still batched
        EXPECT_TRUE(r.leave("big", name(i), static_cast<conn_id>(i + 1), t0 + 11s).empty());
    EXPECT_TRUE(r.in_interval_mode("big"));
    // Back up to 101 and down again does not switch modes either.
    EXPECT_TRUE(fill(r, 200, 210, t0 + 12s).empty());
    for (int i = 200; i < 210; ++i)
        r.leave("big", name(i), static_cast<conn_id>(i + 1), t0 + 12s);
    EXPECT_TRUE(r.in_interval_mode("big"));

    auto flush = r.leave("big", name(10), 11, t0 + 13s); // 90: flush and leave interval mode
    ASSERT_EQ(flush.size(), 1u);
    EXPECT_EQ(flush[0].what, action::interval);
    EXPECT_EQ(flush[0].occupancy, 90u);
    EXPECT_EQ(flush[0].left.size(), 11u); // m0..m10; the 2xx came and went
    EXPECT_TRUE(flush[0].joined.empty());
    EXPECT_FALSE(r.in_interval_mode("big"));
    EXPECT_EQ(r.stats().interval_channels, 0u);
    EXPECT_EQ(r.stats().deadlines, 0u); // no tick any more
    EXPECT_EQ(brief(r.leave("big", name(11), 12, t0 + 14s)), strings{"leave:m11@89"});
    EXPECT_EQ(brief(r.join("big", "back", 999, t0 + 14s)), strings{"join:back@90"});
}

TEST(presence_interval, lists_over_the_cap_become_a_refresh_hint) {
    options o = batched(10);
    o.interval_list_max = 50;
    registry r(o);
    fill(r, 0, 61, t0); // 51 batched joins: over the cap
    auto ev = r.advance(t0 + 10s);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].refresh);
    EXPECT_TRUE(ev[0].joined.empty());
    EXPECT_EQ(ev[0].occupancy, 61u);
    fill(r, 100, 150, t0 + 11s); // exactly 50: listed
    ev = r.advance(t0 + 20s);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_FALSE(ev[0].refresh);
    EXPECT_EQ(ev[0].joined.size(), 50u);
}

TEST(presence_interval, announce_max_zero_never_batches) {
    registry r(batched(0));
    EXPECT_EQ(fill(r, 0, 1000, t0).size(), 1000u);
    EXPECT_FALSE(r.in_interval_mode("big"));
}

TEST(presence_interval, an_interval_channel_that_empties_flushes_and_is_freed) {
    registry r(batched(5));
    fill(r, 0, 10, t0);
    std::vector<event> all;
    for (int i = 0; i < 10; ++i) {
        auto ev = r.leave("big", name(i), static_cast<conn_id>(i + 1), t0 + 1s);
        all.insert(all.end(), ev.begin(), ev.end());
    }
    // 10 -> 4 crosses the exit (5 - 1 = 4): one flush, then the last four one by one.
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[0].what, action::interval);
    // m0..m4 were announced one by one, so their leaves are listed; m5 joined and left within
    // the interval (not listed); m6..m9 joined and are still there.
    EXPECT_EQ(all[0].left, (strings{"m0", "m1", "m2", "m3", "m4"}));
    EXPECT_EQ(all[0].joined, (strings{"m6", "m7", "m8", "m9"}));
    EXPECT_EQ(all[0].occupancy, 4u);
    EXPECT_EQ(brief({all.back()}), strings{"leave:m9@0"});
    expect_empty(r);
}

TEST(presence_interval, a_zero_interval_cannot_spin_advance) {
    options o = batched(1);
    o.interval = 0s;
    registry r(o);
    EXPECT_EQ(r.settings().interval, 1s);
    fill(r, 0, 2, t0);
    EXPECT_EQ(r.advance(t0 + 1s).size(), 1u);
}
