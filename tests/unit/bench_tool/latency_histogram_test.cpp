#include "runnel/bench_tool/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>

using namespace runnel::bench_tool;

TEST(latency_histogram, small_values_are_exact) {
    latency_histogram h;
    for (std::uint64_t v = 1; v <= 10; ++v) h.record(v);
    EXPECT_EQ(h.percentile(0.5), 5u);
    EXPECT_EQ(h.percentile(0.9), 9u);
    EXPECT_EQ(h.percentile(1.0), 10u);
    EXPECT_EQ(h.min(), 1u);
    EXPECT_EQ(h.max(), 10u);
}

TEST(latency_histogram, percentiles_of_a_uniform_range_are_within_resolution) {
    latency_histogram h;
    for (std::uint64_t v = 1; v <= 1'000'000; ++v) h.record(v * 1000); // 1 us .. 1 s
    auto near = [](std::uint64_t got, double want) {
        EXPECT_GE(static_cast<double>(got), want * 0.999) << got;
        EXPECT_LE(static_cast<double>(got), want * (1 + 1.0 / 32)) << got;
    };
    near(h.percentile(0.5), 500'000'000.0);
    near(h.percentile(0.99), 990'000'000.0);
    near(h.percentile(0.999), 999'000'000.0);
    EXPECT_EQ(h.percentile(1.0), 1'000'000'000u);
    EXPECT_EQ(h.count(), 1'000'000u);
}

TEST(latency_histogram, a_single_outlier_is_the_max_not_the_p99) {
    latency_histogram h;
    for (int i = 0; i < 999; ++i) h.record(100);
    h.record(5'000'000);
    // 100 shares a two-value bucket with 101 (the 1/32 resolution).
    EXPECT_EQ(h.percentile(0.99), 101u);
    EXPECT_EQ(h.percentile(0.999), 101u);
    EXPECT_EQ(h.max(), 5'000'000u);
    EXPECT_EQ(h.percentile(1.0), 5'000'000u);
}

TEST(latency_histogram, buckets_cover_every_value_in_order) {
    for (std::uint64_t v : std::initializer_list<std::uint64_t>{0, 31, 32, 33, 63, 64, 1000, 123456789, UINT64_MAX}) {
        auto b = latency_histogram::bucket_of(v);
        ASSERT_LT(b, latency_histogram::bucket_count);
        EXPECT_GE(latency_histogram::upper_bound(b), v);
        if (b > 0) {
            EXPECT_LT(latency_histogram::upper_bound(b - 1), v);
        }
    }
    EXPECT_EQ(latency_histogram::upper_bound(latency_histogram::bucket_count - 1), UINT64_MAX);
}

TEST(latency_histogram, merge_adds_counts) {
    latency_histogram a, b;
    a.record(10);
    b.record(20);
    b.record(30);
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_EQ(a.percentile(0.5), 20u);
    EXPECT_EQ(a.min(), 10u);
    EXPECT_EQ(a.max(), 30u);
    EXPECT_EQ(latency_histogram{}.percentile(0.5), 0u);
}
