#include "db_handle.hpp"

#include "compaction_filters.hpp"
#include "status.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <filesystem>

namespace runnel::store {
namespace {

// The filters are stateless, so one instance each serves every compaction thread.
const message_expiry_filter message_filter;
const idempotency_expiry_filter idempotency_filter;

/// LZ4 when this RocksDB build links it (Debian's does), else none.
rocksdb::CompressionType pick_compression() {
    auto supported = rocksdb::GetSupportedCompressions();
    bool lz4 = std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
    return lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
}

/// RocksDB tuning (docs/storage.md explains each choice):
///  - WAL on, manual_wal_flush off: every Write hands the batch to the OS before it returns, so a
///    written batch survives kill -9; fsync is SyncWAL (group commit) or sync=true (always).
///  - one LRU block cache (block_cache_bytes) shared by every CF; index and filter blocks live
///    in it (bounded memory) with L0's pinned.
///  - msgs: write_buffer_bytes memtables, whole-key bloom filter (10 bits/key: point lookups
///    of offsets), level compaction with dynamic level sizes, the expiry compaction filter.
///  - the small CFs: a quarter of the write buffer (at least 4 MiB); msgid_idx has its filter.
///  - compression: LZ4 if linked, else none (pick_compression).
///  - max_background_jobs 2 (the node has few cores; flushes and compactions share them),
///    allow_concurrent_memtable_write (default; harmless with one writer thread),
///    avoid_flush_during_shutdown false (a clean close leaves nothing to replay),
///    max_total_wal_size 4 x write buffer so quiet CFs get flushed and old WALs deleted.
///  - SstFileManager with SetMaxAllowedSpaceUsage(max_disk_bytes) only when that is > 0: an
///    SstFileManager also starts RocksDB's own no-space recovery, which retries at once, while
///    the disk may still be full (see the writer's recovery instead).
///  - max_bgerror_resume_count 0: the writer resumes (writer.hpp).
struct tuned {
    rocksdb::DBOptions db;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
};

tuned make_options(const log_options& opts, const rocksdb_internals& in,
                   std::shared_ptr<rocksdb::SstFileManager> sfm) {
    tuned t;
    t.db.create_if_missing = true;
    t.db.create_missing_column_families = true;
    t.db.paranoid_checks = true;
    t.db.manual_wal_flush = false;
    t.db.max_background_jobs = 2;
    t.db.allow_concurrent_memtable_write = true;
    t.db.avoid_flush_during_shutdown = false;
    t.db.max_total_wal_size = 4 * static_cast<std::uint64_t>(opts.write_buffer_bytes);
    t.db.keep_log_file_num = 4;
    t.db.bytes_per_sync = 1 << 20;
    t.db.sst_file_manager = std::move(sfm);
    // The writer resumes the database itself (every 250 ms, after a probe of the disk); RocksDB's
    // own immediate retries would run while the disk is still full, fail their flush, and turn a
    // recoverable error into an unrecoverable one.
    t.db.max_bgerror_resume_count = 0;
    if (in.env) t.db.env = in.env;

    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(opts.block_cache_bytes);
    table.cache_index_and_filter_blocks = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    rocksdb::BlockBasedTableOptions msgs_table = table;
    msgs_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

    auto compression = pick_compression();
    for (std::size_t i = 0; i < cf_count; ++i) {
        rocksdb::ColumnFamilyOptions cfo;
        cfo.compaction_style = rocksdb::kCompactionStyleLevel;
        cfo.level_compaction_dynamic_level_bytes = true;
        cfo.compression = compression;
        bool msgs = static_cast<cf>(i) == cf::msgs;
        cfo.write_buffer_size = msgs ? opts.write_buffer_bytes : std::max<std::size_t>(opts.write_buffer_bytes / 4, 4 << 20);
        cfo.table_factory.reset(rocksdb::NewBlockBasedTableFactory(msgs ? msgs_table : table));
        if (msgs) cfo.compaction_filter = &message_filter;
        if (static_cast<cf>(i) == cf::msgid_idx) cfo.compaction_filter = &idempotency_filter;
        t.cfs.emplace_back(cf_names[i], cfo);
    }
    // RocksDB requires the default CF in the list; we keep nothing in it.
    t.cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    return t;
}

std::string corrupt_message(const std::string& path, const rocksdb::Status& s) {
    return "store: the database at " + path + " is corrupt (" + s.ToString() +
           "); set `store.repair: true` to salvage what can be read, or move the directory away";
}

} // namespace

result<std::unique_ptr<db_handle>> db_handle::open(const log_options& opts, const rocksdb_internals& in,
                                                   std::string& why) {
    std::unique_ptr<db_handle> h(new db_handle);
    h->path_ = opts.path;
    std::error_code fs_ec;
    std::filesystem::create_directories(opts.path, fs_ec);
    if (fs_ec) {
        why = "store: cannot create " + opts.path + ": " + fs_ec.message();
        return make_error_code(errc::storage_failed);
    }
    rocksdb::Status s;
    if (opts.max_disk_bytes > 0) {
        h->sfm_.reset(rocksdb::NewSstFileManager(in.env ? in.env : rocksdb::Env::Default(), nullptr, "", 0, true, &s));
        if (!s.ok()) {
            why = "store: " + s.ToString();
            return make_error_code(errc::storage_failed);
        }
        h->sfm_->SetMaxAllowedSpaceUsage(opts.max_disk_bytes);
    }
    auto t = make_options(opts, in, h->sfm_);
    if (opts.repair) {
        auto r = rocksdb::RepairDB(opts.path, t.db, t.cfs);
        if (!r.ok()) why = "store: repair of " + opts.path + ": " + r.ToString(); // Open decides
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    s = rocksdb::DB::Open(t.db, opts.path, t.cfs, &handles, &db);
    if (!s.ok()) {
        auto ec = to_error(s);
        if (ec == errc::data_corrupt) why = corrupt_message(opts.path, s);
        else why = "store: cannot open " + opts.path + ": " + s.ToString();
        return ec == errc::data_corrupt ? ec : make_error_code(errc::storage_failed);
    }
    h->db_.reset(db);
    for (std::size_t i = 0; i < cf_count; ++i) h->cfs_[i] = handles[i];
    db->DestroyColumnFamilyHandle(handles.back()); // default CF: DB keeps its own handle
    return h;
}

db_handle::~db_handle() {
    if (!db_) return;
    for (auto* c : cfs_) db_->DestroyColumnFamilyHandle(c);
    (void)db_->Close();
}

std::uint64_t db_handle::disk_bytes() const {
    std::uint64_t sst = 0;
    for (auto* c : cfs_) {
        std::uint64_t n = 0;
        if (db_->GetIntProperty(c, rocksdb::DB::Properties::kTotalSstFilesSize, &n)) sst += n;
    }
    rocksdb::VectorLogPtr files;
    std::uint64_t wal_bytes = 0;
    if (db_->GetSortedWalFiles(files).ok()) {
        for (const auto& f : files) wal_bytes += f->SizeFileBytes();
    }
    return sst + wal_bytes;
}

bool db_handle::space_limit_reached() const { return sfm_ && sfm_->IsMaxAllowedSpaceReached(); }

} // namespace runnel::store
