#include "store_test_util.hpp"

#include <mutex>

namespace runnel::store::test {
namespace {

/// Records the order callbacks ran in ("w3" = written of batch 3).
struct callback_log {
    std::mutex mutex; // guards events
    std::vector<std::string> events;
    void add(std::string e) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(e));
    }
    std::size_t count(char kind) {
        std::lock_guard lock(mutex);
        return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](auto& e) { return e[0] == kind; }));
    }
};

void submit(retention_log& l, callback_log& cl, int i, std::uint64_t tt) {
    write_batch b;
    b.messages = {msg("s", static_cast<std::uint64_t>(i), tt + static_cast<std::uint64_t>(i))};
    l.commit(std::move(b), [&cl, i](auto ec) { cl.add((ec ? "x" : "w") + std::to_string(i)); },
             [&cl, i](auto ec) { cl.add((ec ? "x" : "d") + std::to_string(i)); });
}

std::vector<std::string> only(callback_log& cl, char kind) {
    std::lock_guard lock(cl.mutex);
    std::vector<std::string> out;
    for (auto& e : cl.events) {
        if (e[0] == kind) out.push_back(e);
    }
    return out;
}

TEST(sync_policy, always_answers_durable_in_order_after_written) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::always;
    auto log = open_log(o);
    callback_log cl;
    auto tt = now_tt();
    for (int i = 1; i <= 20; ++i) submit(*log, cl, i, tt);
    ASSERT_TRUE(eventually([&] { return cl.count('d') == 20; }));
    auto durable = only(cl, 'd');
    for (int i = 1; i <= 20; ++i) EXPECT_EQ(durable[static_cast<std::size_t>(i - 1)], "d" + std::to_string(i));
    std::lock_guard lock(cl.mutex);
    for (int i = 1; i <= 20; ++i) {
        auto w = std::find(cl.events.begin(), cl.events.end(), "w" + std::to_string(i));
        auto dd = std::find(cl.events.begin(), cl.events.end(), "d" + std::to_string(i));
        EXPECT_LT(w, dd);
    }
    EXPECT_GE(log->stats().syncs, 1u);
}

TEST(sync_policy, batch_group_commits_by_count) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.sync_interval = std::chrono::hours(1); // only the count can trigger the sync
    o.sync_batch = 10;
    o.sync_when_idle = false;
    auto log = open_log(o);
    callback_log cl;
    auto tt = now_tt();
    for (int i = 1; i <= 5; ++i) submit(*log, cl, i, tt);
    ASSERT_TRUE(eventually([&] { return cl.count('w') == 5; }));
    EXPECT_EQ(cl.count('d'), 0u); // 5 < sync_batch and the interval is an hour away
    EXPECT_EQ(log->stats().syncs, 0u);
    for (int i = 6; i <= 10; ++i) submit(*log, cl, i, tt);
    ASSERT_TRUE(eventually([&] { return cl.count('d') == 10; }));
    auto durable = only(cl, 'd');
    for (int i = 1; i <= 10; ++i) EXPECT_EQ(durable[static_cast<std::size_t>(i - 1)], "d" + std::to_string(i));
    EXPECT_GE(log->stats().syncs, 1u);
}

TEST(sync_policy, batch_group_commits_by_time) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.sync_interval = std::chrono::milliseconds(20);
    o.sync_batch = 1'000'000; // only time can trigger the sync
    o.sync_when_idle = false;
    auto log = open_log(o);
    callback_log cl;
    submit(*log, cl, 1, now_tt());
    ASSERT_TRUE(eventually([&] { return cl.count('d') == 1; }));
    EXPECT_EQ(only(cl, 'd'), (std::vector<std::string>{"d1"}));
    EXPECT_EQ(log->stats().syncs, 1u);
}

TEST(sync_policy, batch_syncs_at_once_when_nothing_more_waits) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.sync_interval = std::chrono::hours(1); // neither limit is ever reached
    o.sync_batch = 1'000'000;
    auto log = open_log(o);
    callback_log cl;
    submit(*log, cl, 1, now_tt());
    ASSERT_TRUE(eventually([&] { return cl.count('d') == 1; })); // a lone publish waits one fsync
    EXPECT_EQ(log->stats().syncs, 1u);
}

TEST(sync_policy, close_makes_pending_batches_durable) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.sync_interval = std::chrono::hours(1);
    o.sync_batch = 1'000'000;
    o.sync_when_idle = false;
    auto log = open_log(o);
    callback_log cl;
    for (int i = 1; i <= 3; ++i) submit(*log, cl, i, now_tt());
    log->close();
    EXPECT_EQ(cl.count('d'), 3u);
    EXPECT_EQ(log->stats().batches_written, 3u);
}

TEST(sync_policy, none_is_durable_when_written) {
    temp_dir d;
    auto log = open_log(options_for(d)); // sync none
    auto r = append(*log, "n", 1, 3, now_tt());
    EXPECT_FALSE(r.durable);
    EXPECT_EQ(log->stats().syncs, 0u);
    EXPECT_EQ(log->stats().messages_written, 3u);
}

} // namespace
} // namespace runnel::store::test

namespace runnel::store::test {
namespace {

// A quick throughput probe, not a test (disabled; run with --gtest_also_run_disabled_tests
// --gtest_filter='*throughput*'): 100k messages of 100 bytes in batches of 16, group commit.
TEST(sync_policy, DISABLED_write_throughput) {
    temp_dir d;
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.write_buffer_bytes = 64 << 20;
    auto log = open_log(o);
    std::atomic<int> durable{0};
    auto tt = now_tt();
    auto start = std::chrono::steady_clock::now();
    constexpr int batches = 6250;
    for (int i = 0; i < batches; ++i) {
        write_batch b;
        for (int k = 0; k < 16; ++k) {
            auto off = static_cast<std::uint64_t>(i * 16 + k + 1);
            b.messages.push_back(msg("bench/" + std::to_string(k), off, tt + off, std::string(100, 'p')));
        }
        log->commit(std::move(b), {}, [&](auto) { ++durable; });
    }
    ASSERT_TRUE(eventually([&] { return durable == batches; }, std::chrono::seconds(120)));
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("100000 messages in %.3f s: %.0f msg/s, %llu fsyncs\n", secs, 100000 / secs,
                static_cast<unsigned long long>(log->stats().syncs));
}

} // namespace
} // namespace runnel::store::test
