#pragma once
/// The RocksDB retention log (retention_log.hpp has the contract; docs/storage.md the layout
/// and tuning). Parts: db_handle (open, options), writer (one thread: batches, group commit,
/// recovery), task_pool + history_reader (reads), sweeper (retention floors), loader
/// (open-time scan, load()). Private to src/store; tests include it for the test-only calls.
/// Affinity: any thread.
#include "log_core.hpp"
#include "sweeper.hpp"
#include "task_pool.hpp"
#include "writer.hpp"

namespace runnel::store {

class rocksdb_log final : public retention_log {
public:
    /// `core` holds an open database whose channel table is built.
    explicit rocksdb_log(std::unique_ptr<log_core> core);
    ~rocksdb_log() override;

    boost::system::error_code load(snapshot& out, std::chrono::milliseconds idempotency_window) override;
    void commit(write_batch b, done_fn written, done_fn durable) override;
    void read(read_query q, read_fn done) override;
    bool writable() const noexcept override;
    std::string failure() const override;
    log_stats stats() const override;
    /// Also closes the database: afterwards commits and reads answer shutting_down.
    void close() override;

    /// Test-only: flush every memtable to SST files; run one retention sweep now.
    void flush();
    std::uint64_t sweep_now();

private:
    std::unique_ptr<log_core> core_;
    writer writer_;
    task_pool readers_;
    sweeper sweeper_;
    std::mutex close_mutex_; // guards closed_
    bool closed_ = false;
    mutable std::mutex db_mutex_; // guards core_->db being released by close() (stats, test calls)
};

/// open_rocksdb_log with internal knobs (tests).
result<std::unique_ptr<retention_log>> open_rocksdb_log(log_options opts, const rocksdb_internals& in,
                                                        std::string* why);

} // namespace runnel::store
