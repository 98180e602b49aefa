#include "runnel/core/cursor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace runnel::core {
namespace {

TEST(Cursor, EpochIsSixteenHexDigits) {
    EXPECT_EQ(epoch_string(0), "0000000000000000");
    EXPECT_EQ(epoch_string(0x9f3c01ab77e2d410ull), "9f3c01ab77e2d410");
}

TEST(Cursor, ParsesDecimalTimetokens) {
    EXPECT_EQ(parse_tt("17632180123456789"), 17632180123456789ull);
    EXPECT_EQ(parse_tt("0"), 0u);
    EXPECT_EQ(parse_tt("18446744073709551615"), 18446744073709551615ull);
    for (auto bad : {"", "-1", "+1", "1.5", "12a", " 1", "18446744073709551616", "123456789012345678901"})
        EXPECT_FALSE(parse_tt(bad)) << bad;
}

TEST(Cursor, ClockIsNearWallTimeAndStrictlyIncreasing) {
    timetoken_clock c;
    auto a = c.next();
    EXPECT_GT(a, 16'000'000'000'000'000ull); // after 2020 in 100 ns units
    auto b = c.next();
    EXPECT_GT(b, a);
    EXPECT_EQ(c.last(), b);
}

TEST(Cursor, ClockNeverRepeatsAcrossThreads) {
    timetoken_clock c;
    constexpr int per_thread = 20000;
    std::vector<std::vector<std::uint64_t>> got(4);
    std::vector<std::thread> threads;
    for (auto& g : got) {
        threads.emplace_back([&c, &g] {
            for (int i = 0; i < per_thread; ++i) g.push_back(c.next());
        });
    }
    for (auto& t : threads) t.join();
    std::vector<std::uint64_t> all;
    for (const auto& g : got) {
        for (std::size_t i = 1; i < g.size(); ++i) ASSERT_GT(g[i], g[i - 1]);
        all.insert(all.end(), g.begin(), g.end());
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

} // namespace
} // namespace runnel::core
