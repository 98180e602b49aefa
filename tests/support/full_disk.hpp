#pragma once
// A RocksDB file system that is full while a flag is set (store and node fault tests).
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

namespace runnel::test {

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

} // namespace runnel::test
