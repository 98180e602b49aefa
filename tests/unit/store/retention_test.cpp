#include "store_test_util.hpp"

namespace runnel::store::test {
namespace {

using offs = std::vector<std::uint64_t>;

retention limits(std::uint64_t messages, std::uint64_t bytes, std::chrono::seconds age = std::chrono::seconds(86400)) {
    retention r;
    r.max_messages = messages;
    r.max_bytes = bytes;
    r.max_age = age;
    return r;
}

TEST(retention, max_messages_moves_the_floor_and_survives_reopen) {
    temp_dir d;
    auto o = options_for(d, limits(10, 0));
    auto tt = now_tt();
    {
        auto log = open_log(o);
        ASSERT_FALSE(append(*log, "c", 1, 50, tt).durable);
        EXPECT_EQ(concrete(*log).sweep_now(), 40u);
        auto p = read_wait(*log, {.channel = "c", .limit = 100});
        EXPECT_EQ(p.messages.size(), 10u);
        EXPECT_EQ(p.messages.front()->cur.offset, 41u);
        EXPECT_EQ(p.trimmed_offset, 40u);
        EXPECT_EQ(p.trimmed_tt, tt + 40);
        EXPECT_EQ(log->stats().trimmed_messages, 40u);
        EXPECT_EQ(concrete(*log).sweep_now(), 0u); // nothing more to do
    }
    auto log = open_log(o);
    auto p = read_wait(*log, {.channel = "c", .limit = 100});
    EXPECT_EQ(p.messages.size(), 10u);
    EXPECT_EQ(p.trimmed_offset, 40u);
    ASSERT_FALSE(append(*log, "c", 51, 55, tt).durable);
    EXPECT_EQ(concrete(*log).sweep_now(), 5u); // the counters were rebuilt at open
    EXPECT_EQ(read_wait(*log, {.channel = "c"}).messages.front()->cur.offset, 46u);
}

TEST(retention, max_bytes_counts_payload_and_topic) {
    temp_dir d;
    auto log = open_log(options_for(d, limits(0, 1010)));
    ASSERT_FALSE(append(*log, "b", 1, 30, now_tt(), 100).durable); // 101 bytes each
    EXPECT_EQ(concrete(*log).sweep_now(), 20u);
    auto p = read_wait(*log, {.channel = "b"});
    EXPECT_EQ(offsets(p).front(), 21u);
    EXPECT_EQ(p.messages.size(), 10u);
}

TEST(retention, max_age_hides_at_read_time_and_the_periodic_sweep_trims) {
    temp_dir d;
    auto o = options_for(d, limits(0, 0, std::chrono::seconds(1)));
    o.sweep_interval = std::chrono::milliseconds(50);
    auto log = open_log(o);
    ASSERT_FALSE(append(*log, "a", 1, 5, now_tt()).durable);
    EXPECT_EQ(read_wait(*log, {.channel = "a"}).messages.size(), 5u);
    ASSERT_TRUE(eventually([&] { return read_wait(*log, {.channel = "a"}).messages.empty(); }));
    ASSERT_TRUE(eventually([&] { return log->stats().trimmed_messages == 5; }));
    auto p = read_wait(*log, {.channel = "a", .newest_first = true});
    EXPECT_TRUE(p.messages.empty());
    EXPECT_EQ(p.trimmed_offset, 5u);
}

TEST(retention, the_sweep_frees_disk) {
    temp_dir d;
    auto o = options_for(d, limits(100, 0));
    rocksdb_internals in;
    in.compact_after_bytes = 1; // compact after any drop
    auto log = open_log(o, in);
    auto tt = now_tt();
    std::mt19937_64 rng(1); // incompressible payloads: LZ4 must not hide the drop
    for (std::uint64_t i = 0; i < 8; ++i) {
        write_batch b;
        for (std::uint64_t o = i * 500 + 1; o <= i * 500 + 500; ++o) {
            std::string payload(1000, '\0');
            for (auto& c : payload) c = static_cast<char>(rng());
            b.messages.push_back(msg("big", o, tt + o, std::move(payload)));
        }
        b.channels = {{"big", 7, i * 500 + 500, tt + i * 500 + 500}};
        ASSERT_FALSE(commit_wait(*log, std::move(b)).durable);
    }
    concrete(*log).flush();
    auto before = log->stats().disk_bytes;
    EXPECT_GT(before, 1'000'000u);
    EXPECT_EQ(concrete(*log).sweep_now(), 3900u);
    auto after = log->stats().disk_bytes;
    EXPECT_LT(after, before / 4) << before << " -> " << after;
    EXPECT_EQ(read_wait(*log, {.channel = "big", .limit = 1000}).messages.size(), 100u);
}

} // namespace
} // namespace runnel::store::test
