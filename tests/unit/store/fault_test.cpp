#include "store_test_util.hpp"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>

namespace runnel::store::test {
namespace {

/// A disk that is full while `full` is set: no free space, and every new file and every write
/// or sync of a file fails with NoSpace.
class full_disk final : public rocksdb::FileSystemWrapper {
public:
    explicit full_disk(std::atomic<bool>& full) : FileSystemWrapper(rocksdb::FileSystem::Default()), full_(full) {}
    const char* Name() const override { return "full_disk"; }

    rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* dbg) override {
        if (full_) return rocksdb::IOStatus::NoSpace("test: disk full");
        auto s = target()->NewWritableFile(f, o, r, dbg);
        if (s.ok()) *r = std::make_unique<file>(std::move(*r), full_);
        return s;
    }

    // A full disk reports no free space, so RocksDB's own recovery waits for space.
    rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& o, std::uint64_t* free,
                                   rocksdb::IODebugContext* dbg) override {
        if (!full_) return target()->GetFreeSpace(path, o, free, dbg);
        *free = 0;
        return rocksdb::IOStatus::OK();
    }

private:
    class file final : public rocksdb::FSWritableFileOwnerWrapper {
    public:
        file(std::unique_ptr<rocksdb::FSWritableFile> f, std::atomic<bool>& full)
            : FSWritableFileOwnerWrapper(std::move(f)), full_(full) {}
        rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o, rocksdb::IODebugContext* g) override {
            return full_ ? rocksdb::IOStatus::NoSpace("test: disk full") : FSWritableFileOwnerWrapper::Append(d, o, g);
        }
        rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                                 const rocksdb::DataVerificationInfo& v, rocksdb::IODebugContext* g) override {
            return full_ ? rocksdb::IOStatus::NoSpace("test: disk full") : FSWritableFileOwnerWrapper::Append(d, o, v, g);
        }
        rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* g) override {
            return full_ ? rocksdb::IOStatus::NoSpace("test: disk full") : FSWritableFileOwnerWrapper::Sync(o, g);
        }
        rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* g) override {
            return full_ ? rocksdb::IOStatus::NoSpace("test: disk full") : FSWritableFileOwnerWrapper::Fsync(o, g);
        }

    private:
        std::atomic<bool>& full_;
    };
    std::atomic<bool>& full_;
};

TEST(store_faults, a_full_disk_fails_writes_then_recovers_and_loses_nothing_acknowledged) {
    temp_dir d;
    std::atomic<bool> full{false};
    auto env = rocksdb::NewCompositeEnv(std::make_shared<full_disk>(full));
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
