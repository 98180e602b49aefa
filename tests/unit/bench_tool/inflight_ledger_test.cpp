#include "runnel/bench_tool/inflight_ledger.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace runnel::bench_tool;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(inflight_ledger, a_puback_names_the_sequence_number_it_acknowledges) {
    inflight_ledger l;
    auto a = l.sent(10);
    auto b = l.sent(11);
    EXPECT_NE(a, 0);
    EXPECT_NE(a, b);
    EXPECT_EQ(l.size(), 2u);
    EXPECT_EQ(l.acked(b), 11u);
    EXPECT_EQ(l.acked(a), 10u);
    EXPECT_TRUE(l.empty());
}

TEST(inflight_ledger, stray_and_repeated_acks_are_ignored) {
    inflight_ledger l;
    auto id = l.sent(5);
    EXPECT_EQ(l.acked(id), 5u);
    EXPECT_EQ(l.acked(id), std::nullopt);
    EXPECT_EQ(l.acked(999), std::nullopt);
    EXPECT_EQ(l.acked(0), std::nullopt);
}

TEST(inflight_ledger, a_lost_connection_hands_back_the_unacknowledged_in_order) {
    inflight_ledger l;
    std::uint16_t ids[5];
    for (std::uint64_t s = 0; s < 5; ++s) ids[s] = l.sent(s);
    l.acked(ids[0]);
    l.acked(ids[3]);
    EXPECT_THAT(l.connection_lost(), ElementsAre(1, 2, 4));
    EXPECT_TRUE(l.empty());
    // The old ids mean nothing on the next connection.
    EXPECT_EQ(l.acked(ids[1]), std::nullopt);
    EXPECT_THAT(l.connection_lost(), IsEmpty());
}

TEST(inflight_ledger, resent_messages_get_fresh_ids_and_are_acknowledged_once) {
    inflight_ledger l;
    l.sent(7);
    l.sent(8);
    auto again = l.connection_lost();
    ASSERT_THAT(again, ElementsAre(7, 8));
    auto a = l.sent(7);
    auto b = l.sent(8);
    EXPECT_EQ(l.acked(a), 7u);
    EXPECT_EQ(l.acked(b), 8u);
    EXPECT_TRUE(l.empty());
}

TEST(inflight_ledger, ids_wrap_around_and_skip_the_ones_in_use) {
    inflight_ledger l;
    auto held = l.sent(0); // stays in flight the whole time
    std::uint64_t seq = 1;
    for (int i = 0; i < 70000; ++i) {
        auto id = l.sent(seq);
        EXPECT_NE(id, 0);
        EXPECT_NE(id, held);
        EXPECT_EQ(l.acked(id), seq);
        ++seq;
    }
    EXPECT_EQ(l.acked(held), 0u);
}
