#include "store_test_util.hpp"

namespace runnel::store::test {
namespace {

using offs = std::vector<std::uint64_t>;

class reads : public ::testing::Test {
protected:
    void SetUp() override {
        log_ = open_log(options_for(dir_));
        tt_ = now_tt();
        // Offsets 1..20, tt = tt_ + 10 * offset (gaps between timetokens).
        write_batch b;
        for (std::uint64_t o = 1; o <= 20; ++o) b.messages.push_back(msg("ch", o, tt_ + 10 * o, std::string(10, 'x')));
        b.channels = {{"ch", 7, 20, tt_ + 200}};
        ASSERT_FALSE(commit_wait(*log_, std::move(b)).durable);
        concrete(*log_).flush(); // half in SST files, half in the memtable
        ASSERT_FALSE(append(*log_, "other", 1, 3, tt_).durable);
    }
    temp_dir dir_;
    std::unique_ptr<retention_log> log_;
    std::uint64_t tt_ = 0;
};

TEST_F(reads, by_offset_both_directions) {
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_offset = 15})), (offs{16, 17, 18, 19, 20}));
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_offset = 2, .until_offset = 5})), (offs{3, 4, 5}));
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .until_offset = 4, .newest_first = true})),
              (offs{4, 3, 2, 1}));
    EXPECT_TRUE(read_wait(*log_, {.channel = "ch", .after_offset = 20}).messages.empty());
    EXPECT_TRUE(read_wait(*log_, {.channel = "nope"}).messages.empty());
}

TEST_F(reads, by_tt_finds_the_first_offset_after_it) {
    // tt_ + 55 lies between offsets 5 and 6.
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_tt = tt_ + 55, .until_tt = tt_ + 80})), (offs{6, 7, 8}));
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_tt = tt_ + 50, .until_tt = tt_ + 70})), (offs{6, 7}));
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_tt = tt_ + 170, .newest_first = true})),
              (offs{20, 19, 18}));
    // Both kinds of bounds apply.
    EXPECT_EQ(offsets(read_wait(*log_, {.channel = "ch", .after_offset = 7, .after_tt = tt_ + 55, .until_offset = 9})),
              (offs{8, 9}));
    EXPECT_TRUE(read_wait(*log_, {.channel = "ch", .after_tt = tt_ + 1000}).messages.empty());
}

TEST_F(reads, limit_and_max_bytes_cut_the_page_and_say_more) {
    auto p = read_wait(*log_, {.channel = "ch", .limit = 3});
    EXPECT_EQ(offsets(p), (offs{1, 2, 3}));
    EXPECT_TRUE(p.more);
    p = read_wait(*log_, {.channel = "ch", .newest_first = true, .limit = 2});
    EXPECT_EQ(offsets(p), (offs{20, 19}));
    EXPECT_TRUE(p.more);
    // 12 bytes per message (10 payload + 2 topic): 30 bytes hold two.
    p = read_wait(*log_, {.channel = "ch", .after_offset = 10, .max_bytes = 30});
    EXPECT_EQ(offsets(p), (offs{11, 12}));
    EXPECT_TRUE(p.more);
    // Always at least one message.
    p = read_wait(*log_, {.channel = "ch", .max_bytes = 1});
    EXPECT_EQ(offsets(p), (offs{1}));
    p = read_wait(*log_, {.channel = "ch", .after_offset = 18});
    EXPECT_FALSE(p.more);
}

TEST_F(reads, payload_and_headers_come_back) {
    auto p = read_wait(*log_, {.channel = "ch", .after_offset = 4, .limit = 1});
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_EQ(p.messages[0]->topic, "ch");
    EXPECT_EQ(p.messages[0]->payload, std::string(10, 'x'));
    EXPECT_EQ(p.messages[0]->cur, (core::cursor{5, 7, tt_ + 50}));
    EXPECT_EQ(p.trimmed_offset, 0u);
}

} // namespace
} // namespace runnel::store::test
