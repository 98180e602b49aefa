#include "runnel/limits/address_counter.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace runnel::limits;

TEST(address_counter, refuses_past_the_maximum_per_address) {
    address_counter c(2);
    auto a1 = c.acquire("10.0.0.1");
    auto a2 = c.acquire("10.0.0.1");
    ASSERT_TRUE(a1);
    ASSERT_TRUE(a2);
    EXPECT_FALSE(c.acquire("10.0.0.1"));
    EXPECT_TRUE(c.acquire("10.0.0.2")); // another address is not affected
    EXPECT_EQ(c.count("10.0.0.1"), 2u);
}

TEST(address_counter, a_released_slot_is_free_again_and_empty_entries_go) {
    address_counter c(1);
    auto a = c.acquire("::1");
    ASSERT_TRUE(a);
    EXPECT_FALSE(c.acquire("::1"));
    auto copy = a; // the slot is given back when the last copy goes
    a.reset();
    EXPECT_FALSE(c.acquire("::1"));
    copy.reset();
    EXPECT_EQ(c.addresses(), 0u);
    EXPECT_TRUE(c.acquire("::1"));
    EXPECT_EQ(c.addresses(), 0u); // the temporary slot above was dropped at once
}

TEST(address_counter, a_refusal_leaves_no_entry_behind) {
    address_counter c(1);
    auto a = c.acquire("x");
    EXPECT_FALSE(c.acquire("x"));
    EXPECT_EQ(c.count("x"), 1u);
    a.reset();
    EXPECT_EQ(c.addresses(), 0u);
}

TEST(address_counter, zero_counts_without_a_limit) {
    address_counter c(0);
    std::vector<std::shared_ptr<void>> slots;
    for (int i = 0; i < 100; ++i) slots.push_back(c.acquire("a"));
    for (const auto& s : slots) EXPECT_TRUE(s);
    EXPECT_EQ(c.count("a"), 100u);
}

TEST(address_counter, slots_outlive_the_counter) {
    std::shared_ptr<void> s;
    {
        address_counter c(1);
        s = c.acquire("a");
    }
    s.reset(); // gives back into a table that only the slot kept alive
    SUCCEED();
}

TEST(address_counter, threads_acquiring_and_releasing_keep_the_count_exact) {
    address_counter c(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&c] {
            for (int i = 0; i < 2000; ++i) {
                auto s = c.acquire("shared");
                EXPECT_TRUE(s); // 4 threads, each holds at most one: never over 4
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.addresses(), 0u);
}
