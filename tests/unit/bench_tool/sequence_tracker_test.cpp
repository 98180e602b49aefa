#include "runnel/bench_tool/sequence_tracker.hpp"

#include <gtest/gtest.h>

using namespace runnel::bench_tool;
using outcome = sequence_tracker::outcome;

TEST(sequence_tracker, in_order_stream_has_nothing_to_report) {
    sequence_tracker t;
    for (std::uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(t.record(i), outcome::in_order);
    EXPECT_EQ(t.distinct(), 1000u);
    EXPECT_EQ(t.lost(1000), 0u);
    EXPECT_EQ(t.duplicates(), 0u);
    EXPECT_EQ(t.reordered(), 0u);
}

TEST(sequence_tracker, gaps_are_lost_until_filled_late_then_reordered) {
    sequence_tracker t;
    EXPECT_EQ(t.record(0), outcome::in_order);
    EXPECT_EQ(t.record(3), outcome::ahead);
    EXPECT_EQ(t.lost(4), 2u); // 1 and 2
    EXPECT_EQ(t.record(1), outcome::reordered);
    EXPECT_EQ(t.lost(4), 1u);
    EXPECT_EQ(t.reordered(), 1u);
    EXPECT_EQ(t.next(), 4u);
}

TEST(sequence_tracker, counts_duplicates_once_each) {
    sequence_tracker t;
    t.record(0);
    t.record(1);
    EXPECT_EQ(t.record(1), outcome::duplicate);
    EXPECT_EQ(t.record(0), outcome::duplicate);
    EXPECT_EQ(t.duplicates(), 2u);
    EXPECT_EQ(t.distinct(), 2u);
    EXPECT_EQ(t.received(), 4u);
    EXPECT_EQ(t.reordered(), 0u);
}

TEST(sequence_tracker, tail_loss_counts_against_what_was_sent) {
    sequence_tracker t;
    for (std::uint64_t i = 0; i < 10; ++i) t.record(i);
    EXPECT_EQ(t.lost(15), 5u);
    EXPECT_EQ(sequence_tracker{}.lost(3), 3u);
}

TEST(sequence_tracker, arrivals_past_sent_do_not_hide_losses) {
    sequence_tracker t;
    t.record(0);
    t.record(100); // crosses several bitmap words
    t.record(130);
    EXPECT_EQ(t.lost(64), 63u);
    EXPECT_EQ(t.lost(70), 69u);
    EXPECT_EQ(t.lost(131), 128u);
}

TEST(sequence_tracker, refuses_absurd_sequence_numbers) {
    sequence_tracker t(1000);
    EXPECT_EQ(t.record(5000), outcome::out_of_range);
    EXPECT_EQ(t.out_of_range(), 1u);
    EXPECT_EQ(t.distinct(), 0u);
}
