#include "address.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using detail::format_address;
using detail::parse_address;
using test::fails_with;

TEST(address, host_port) {
    auto a = parse_address("127.0.0.1:1883", "x");
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_EQ(a.port, 1883);
    a = parse_address("localhost:0", "x");
    EXPECT_EQ(a.host, "localhost");
    EXPECT_EQ(a.port, 0);
}

TEST(address, ipv6_in_brackets) {
    auto a = parse_address("[::1]:8883", "x");
    EXPECT_EQ(a.host, "::1");
    EXPECT_EQ(a.port, 8883);
    EXPECT_EQ(format_address(a.host, a.port), "[::1]:8883");
}

TEST(address, port_only_binds_all_ipv4_interfaces) {
    auto a = parse_address(":1883", "x");
    EXPECT_EQ(a.host, "0.0.0.0");
    EXPECT_EQ(a.port, 1883);
}

TEST(address, errors_name_the_path) {
    EXPECT_TRUE(fails_with([] { parse_address("127.0.0.1:70000", "listeners.1.bind"); },
                           "listeners.1.bind", "port must be 0..65535, got 70000"));
    EXPECT_TRUE(fails_with([] { parse_address("1883", "--mqtt"); }, "--mqtt", "expected host:port"));
    EXPECT_TRUE(fails_with([] { parse_address("::1:1883", "--mqtt"); }, "--mqtt", "need brackets"));
    EXPECT_TRUE(fails_with([] { parse_address("[::1]1883", "p"); }, "p", "expected host:port"));
    EXPECT_TRUE(fails_with([] { parse_address("[127.0.0.1]:1", "p"); }, "p", "brackets are for IPv6"));
    EXPECT_TRUE(fails_with([] { parse_address("host:", "p"); }, "p", "expected host:port"));
    EXPECT_TRUE(fails_with([] { parse_address("a b:1", "p"); }, "p", "invalid host"));
    EXPECT_TRUE(fails_with([] { parse_address("h:-1", "p"); }, "p", "expected host:port"));
}
