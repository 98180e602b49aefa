#pragma once
// A made-up clock and small helpers shared by the presence tests.
#include "runnel/presence/registry.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace runnel::presence::test {

using namespace std::chrono_literals;

inline const time_point t0 = time_point{} + std::chrono::hours(1);

/// "action:member@occupancy" per event, so expectations read like the announcements.
inline std::vector<std::string> brief(const std::vector<event>& events) {
    std::vector<std::string> r;
    for (const auto& e : events)
        r.push_back(std::string(to_string(e.what)) + ":" + e.member + "@" + std::to_string(e.occupancy));
    return r;
}

using strings = std::vector<std::string>;

/// Everything gone: the tables hold nothing and no deadline is queued.
inline void expect_empty(const registry& r) {
    const counters c = r.stats();
    EXPECT_EQ(c.channels, 0u);
    EXPECT_EQ(c.members, 0u);
    EXPECT_EQ(c.clients, 0u);
    EXPECT_EQ(c.connections, 0u);
    EXPECT_EQ(c.polled, 0u);
    EXPECT_EQ(c.pending_grace, 0u);
    EXPECT_EQ(c.interval_channels, 0u);
    EXPECT_EQ(c.deadlines, 0u);
    EXPECT_FALSE(r.next_deadline());
}

} // namespace runnel::presence::test
