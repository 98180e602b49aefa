#include "units.hpp"

#include "runnel/config/load.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using namespace std::chrono_literals;

TEST(parse_duration, human_units) {
    EXPECT_EQ(parse_duration("500ms").value(), 500ms);
    EXPECT_EQ(parse_duration("15s").value(), 15s);
    EXPECT_EQ(parse_duration("1m").value(), 1min);
    EXPECT_EQ(parse_duration("1h").value(), 1h);
    EXPECT_EQ(parse_duration("7d").value(), 7 * 24h);
    EXPECT_EQ(parse_duration("1h30m").value(), 90min);
    EXPECT_EQ(parse_duration(" 2s ").value(), 2s);
}

TEST(parse_duration, plain_integer_is_seconds) {
    EXPECT_EQ(parse_duration("10").value(), 10s);
    EXPECT_EQ(parse_duration("0").value(), 0ms);
}

TEST(parse_duration, rejects_garbage) {
    for (auto bad : {"", "s", "10x", "-5s", "1.5s", "ms10", "10 s", "1h 30m", "15S"}) {
        auto r = parse_duration(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), boost::system::errc::invalid_argument) << bad;
    }
}

TEST(parse_duration, overflow_is_value_too_large) {
    auto r = parse_duration("99999999999999999999d");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), boost::system::errc::value_too_large);
    EXPECT_FALSE(parse_duration("999999999999999999"));
}

TEST(parse_size, decimal_and_binary_units) {
    EXPECT_EQ(parse_size("1024").value(), 1024u);
    EXPECT_EQ(parse_size("64KiB").value(), 64u * 1024);
    EXPECT_EQ(parse_size("1MiB").value(), 1u << 20);
    EXPECT_EQ(parse_size("1GiB").value(), 1u << 30);
    EXPECT_EQ(parse_size("64KB").value(), 64'000u);
    EXPECT_EQ(parse_size("1MB").value(), 1'000'000u);
    EXPECT_EQ(parse_size("2mib").value(), 2u << 20);
    EXPECT_EQ(parse_size("16 MiB").value(), 16u << 20);
    EXPECT_EQ(parse_size("10B").value(), 10u);
}

TEST(parse_size, rejects_garbage_and_overflow) {
    for (auto bad : {"", "MiB", "1.5MiB", "-1", "12XB", "0x10"}) {
        auto r = parse_size(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), boost::system::errc::invalid_argument) << bad;
    }
    auto r = parse_size("99999999999TiB");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), boost::system::errc::value_too_large);
}

TEST(format_units, shortest_exact_form_reads_back) {
    using detail::format_duration;
    using detail::format_size;
    EXPECT_EQ(format_duration(5000ms), "5s");
    EXPECT_EQ(format_duration(1500ms), "1500ms");
    EXPECT_EQ(format_duration(7 * 24h), "7d");
    EXPECT_EQ(format_duration(90min), "90m");
    EXPECT_EQ(format_duration(0ms), "0s");
    EXPECT_EQ(format_size(64u << 20), "64MiB");
    EXPECT_EQ(format_size(1000), "1000");
    EXPECT_EQ(format_size(3u << 10), "3KiB");
    EXPECT_EQ(format_size(0), "0");
    for (std::chrono::milliseconds d : {1ms, 1500ms, 61000ms, 10800000ms, 172800000ms}) EXPECT_EQ(parse_duration(format_duration(d)).value(), d);
    for (std::size_t s : {std::size_t{1}, std::size_t{4096}, std::size_t{1} << 33, std::size_t{12345}}) {
        EXPECT_EQ(parse_size(format_size(s)).value(), s);
    }
}
