#pragma once
/// The open RocksDB database: its column families, tuned options (documented in db_handle.cpp
/// and docs/storage.md), the SstFileManager that bounds disk use, and repair.
/// Affinity: any thread (rocksdb::DB is thread-safe). Owns the DB and its CF handles.
#include "rocksdb_options.hpp"
#include "runnel/core/error.hpp"
#include "runnel/store/retention_log.hpp"

#include <rocksdb/db.h>
#include <rocksdb/sst_file_manager.h>

#include <array>
#include <memory>
#include <string>

namespace runnel::store {

enum class cf { msgs, msgid_idx, chan_meta, retained, sessions, kv };
constexpr std::size_t cf_count = 6;
constexpr std::array<const char*, cf_count> cf_names{"msgs", "msgid_idx", "chan_meta", "retained", "sessions", "kv"};

class db_handle {
public:
    /// Opens (repairing first when opts.repair). On failure `why` says what and where.
    static result<std::unique_ptr<db_handle>> open(const log_options& opts, const rocksdb_internals& in,
                                                   std::string& why);
    ~db_handle();
    db_handle(const db_handle&) = delete;
    db_handle& operator=(const db_handle&) = delete;

    rocksdb::DB& db() const { return *db_; }
    rocksdb::ColumnFamilyHandle* operator[](cf c) const { return cfs_[static_cast<std::size_t>(c)]; }
    /// SST bytes of every CF plus WAL bytes.
    std::uint64_t disk_bytes() const;
    /// SstFileManager's limit is reached (max_disk_bytes).
    bool space_limit_reached() const;
    const std::string& path() const { return path_; }

private:
    db_handle() = default;
    std::string path_;
    std::shared_ptr<rocksdb::SstFileManager> sfm_;
    std::array<rocksdb::ColumnFamilyHandle*, cf_count> cfs_{};
    std::unique_ptr<rocksdb::DB> db_;
};

} // namespace runnel::store
