#pragma once
/// The state the RocksDB log's parts share: the database, the channel table, counters, and the
/// mutex that orders the two writers of the database (the writer thread and the sweep).
/// Affinity: any thread; members are thread-safe or say what guards them.
#include "channel_table.hpp"
#include "db_handle.hpp"
#include "rocksdb_options.hpp"

#include <atomic>
#include <mutex>

namespace runnel::store {

struct log_counters {
    std::atomic<std::uint64_t> messages_written{0};
    std::atomic<std::uint64_t> batches_written{0};
    std::atomic<std::uint64_t> syncs{0};
    std::atomic<std::uint64_t> write_errors{0};
    std::atomic<std::uint64_t> trimmed_messages{0};
    std::atomic<std::uint64_t> skipped_messages{0}; // store=false or unstorable: never written
};

struct log_core {
    log_options opts;
    rocksdb_internals internals;
    std::unique_ptr<db_handle> db;
    channel_table channels;
    log_counters counters;
    /// Held across "encode chan_meta from the table, Write, update the table" by the writer
    /// thread and the sweep, so neither overwrites the other's floor or position.
    std::mutex write_mutex;
};

} // namespace runnel::store
