#include "runnel/limits/token_bucket.hpp"

#include <gtest/gtest.h>

using namespace runnel::limits;
using namespace std::chrono_literals;
using clock_t_ = token_bucket::clock;

namespace {
const clock_t_::time_point t0{std::chrono::hours(1)};

/// Tokens taken at once from `b` at `now` (bounded).
int drain(token_bucket& b, clock_t_::time_point now) {
    int n = 0;
    while (n < 1000 && b.try_take(now)) ++n;
    return n;
}
} // namespace

TEST(token_bucket, rate_zero_is_unlimited) {
    token_bucket b(0, 0, t0);
    EXPECT_TRUE(b.unlimited());
    EXPECT_EQ(drain(b, t0), 1000);
    EXPECT_EQ(b.wait(t0), clock_t_::duration::zero());
}

TEST(token_bucket, starts_full_with_the_burst_then_one_per_interval) {
    token_bucket b(10, 3, t0); // 100 ms a token, 3 saved up
    EXPECT_FALSE(b.unlimited());
    EXPECT_EQ(drain(b, t0), 3);
    EXPECT_EQ(b.wait(t0), 100ms);
    EXPECT_FALSE(b.try_take(t0 + 99ms));
    EXPECT_EQ(b.wait(t0 + 99ms), 1ms);
    EXPECT_TRUE(b.try_take(t0 + 100ms));
    EXPECT_FALSE(b.try_take(t0 + 100ms));
    EXPECT_EQ(b.wait(t0 + 100ms), 100ms);
}

TEST(token_bucket, burst_zero_means_one_second_of_rate) {
    token_bucket b(5, 0, t0);
    EXPECT_EQ(drain(b, t0), 5);
}

TEST(token_bucket, refills_up_to_the_burst_and_no_further) {
    token_bucket b(10, 4, t0);
    EXPECT_EQ(drain(b, t0), 4);
    EXPECT_EQ(drain(b, t0 + 250ms), 2); // 2.5 tokens' time: 2 whole ones
    EXPECT_EQ(drain(b, t0 + 1h), 4);     // an hour idle saves no more than the burst
}

TEST(token_bucket, steady_rate_over_a_long_run) {
    token_bucket b(100, 1, t0);
    int taken = 0;
    for (int ms = 0; ms < 10'000; ++ms) taken += b.try_take(t0 + std::chrono::milliseconds(ms)) ? 1 : 0;
    EXPECT_EQ(taken, 1000); // 100/s for 10 s
}

TEST(token_bucket, a_clock_that_steps_back_takes_nothing_extra) {
    token_bucket b(10, 1, t0 + 1s);
    EXPECT_TRUE(b.try_take(t0 + 1s));
    EXPECT_FALSE(b.try_take(t0));
    EXPECT_EQ(b.wait(t0), 1100ms);
}

TEST(token_bucket, very_high_rates_stay_positive) {
    token_bucket b(4'000'000'000u, 1, t0);
    EXPECT_FALSE(b.unlimited());
    EXPECT_TRUE(b.try_take(t0));
    EXPECT_EQ(b.wait(t0), 1ns);
}
