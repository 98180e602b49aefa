#pragma once
/// The log's one writer thread. It drains submitted batches (at most 1024 per drain) into one
/// rocksdb::WriteBatch written with sync=false (sync=true under `always`), calls the `written`
/// callbacks in order, then the `durable` ones per policy: at once (none, always) or after a
/// group commit (batch: SyncWAL when the oldest unsynced batch is sync_interval old or
/// sync_batch messages are pending). A failed write or sync answers the affected callbacks
/// with storage_full / storage_failed, turns writable() false, and the thread then retries
/// db->Resume() plus a synced probe write every 250 ms until one works.
/// Affinity: submit/writable/failure from any thread; everything else on the writer thread.
#include "batch_encoder.hpp"
#include "log_core.hpp"

#include <condition_variable>
#include <deque>
#include <thread>

namespace runnel::store {

class writer {
public:
    explicit writer(log_core& core);
    ~writer();
    void submit(write_batch b, retention_log::done_fn written, retention_log::done_fn durable);
    bool writable() const noexcept { return writable_.load(); }
    std::string failure() const;
    /// Finishes every submitted batch (callbacks included), syncs, joins the thread.
    void stop();

private:
    struct entry {
        write_batch b;
        retention_log::done_fn written, durable;
    };
    struct unsynced {
        retention_log::done_fn durable;
        std::chrono::steady_clock::time_point since;
    };
    using clock = std::chrono::steady_clock;

    void run();
    clock::time_point wake_at() const;
    void write_drain(std::deque<entry>& work);
    void sync_if_due(bool force);
    void fail(const boost::system::error_code& ec, const std::string& why);
    void try_recover();

    log_core& core_;
    batch_encoder encoder_;
    mutable std::mutex mutex_; // guards queue_, stopping_, failure_
    std::condition_variable cv_;
    std::deque<entry> queue_;
    bool stopping_ = false;
    std::string failure_;
    std::atomic<bool> writable_{true};
    // Writer thread only.
    boost::system::error_code failing_;
    clock::time_point last_retry_{};
    std::deque<unsynced> unsynced_;
    std::size_t unsynced_messages_ = 0;
    std::thread thread_;
};

} // namespace runnel::store
