#include "store_test_util.hpp"
#include "../../support/full_disk.hpp"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>

namespace runnel::store::test {
namespace {

TEST(store_faults, a_full_disk_fails_writes_then_recovers_and_loses_nothing_acknowledged) {
    temp_dir d;
    std::atomic<bool> full{false};
    auto env = rocksdb::NewCompositeEnv(std::make_shared<runnel::test::full_disk>(full));
    rocksdb_internals in;
    in.env = env.get();
    auto o = options_for(d);
    o.sync = sync_policy::batch;
    o.sync_interval = std::chrono::milliseconds(1);
    o.sync_batch = 4;
    auto log = open_log(o, in);
    ASSERT_TRUE(log);

    std::mutex mutex; // guards acked, errors
    std::vector<std::uint64_t> acked;
    std::vector<boost::system::error_code> errors;
    std::atomic<int> answered{0};
    auto tt = now_tt();
    auto submit = [&](std::uint64_t off) {
        write_batch b;
        b.messages = {msg("f", off, tt + off)};
        b.channels = {{"f", 7, off, tt + off}};
        log->commit(std::move(b), {}, [&, off](auto ec) {
            std::lock_guard lock(mutex);
            if (!ec) acked.push_back(off);
            else errors.push_back(ec);
            ++answered;
        });
    };
    for (std::uint64_t off = 1; off <= 20; ++off) submit(off);
    ASSERT_TRUE(eventually([&] { return answered == 20; }));
    EXPECT_TRUE(log->writable());

    full = true;
    for (std::uint64_t off = 21; off <= 30; ++off) submit(off);
    ASSERT_TRUE(eventually([&] { return answered == 30; }));
    {
        std::lock_guard lock(mutex);
        ASSERT_FALSE(errors.empty());
        for (auto& ec : errors) EXPECT_EQ(ec, errc::storage_full) << ec.message();
    }
    EXPECT_FALSE(log->writable());
    EXPECT_NE(log->failure(), "");
    EXPECT_GE(log->stats().write_errors, 1u);

    full = false;
    // RocksDB's own no-space recovery polls free space every 5 s; ours retries every 250 ms.
    ASSERT_TRUE(eventually([&] { return log->writable(); }, std::chrono::seconds(15))) << log->failure();
    EXPECT_EQ(log->failure(), "");
    for (std::uint64_t off = 31; off <= 40; ++off) submit(off);
    ASSERT_TRUE(eventually([&] { return answered == 40; }));
    log->close();
    log.reset();

    auto again = open_log(options_for(d));
    ASSERT_TRUE(again);
    auto page = read_wait(*again, {.channel = "f", .limit = 100});
    auto stored = offsets(page);
    std::lock_guard lock(mutex);
    for (auto off : acked) EXPECT_NE(std::find(stored.begin(), stored.end(), off), stored.end()) << off;
    EXPECT_GE(acked.size(), 30u); // 1..20 and 31..40 at least
}

TEST(store_faults, max_disk_bytes_makes_writes_fail_with_storage_full) {
    temp_dir d;
    auto o = options_for(d);
    o.max_disk_bytes = 64 << 10;
    auto log = open_log(o);
    std::mt19937_64 rng(2);
    boost::system::error_code last;
    for (std::uint64_t i = 0; i < 40 && !last; ++i) {
        write_batch b;
        std::string payload(64 << 10, '\0');
        for (auto& c : payload) c = static_cast<char>(rng());
        b.messages = {msg("big", i + 1, now_tt(), std::move(payload))};
        last = commit_wait(*log, std::move(b)).durable;
        if (i % 8 == 7) concrete(*log).flush();
    }
    EXPECT_EQ(last, errc::storage_full);
    EXPECT_FALSE(log->writable());
}

} // namespace
} // namespace runnel::store::test
