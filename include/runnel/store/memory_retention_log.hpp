#pragma once
/// A retention log in memory, for tests: the same contract as the RocksDB one (retention limits
/// applied at append, idempotency window at load), nothing on disk. `commit` answers inline
/// unless `hold()` is on, in which case batches wait for `release()` (a test can then watch
/// what happens between routing and durability). `fail_writes(ec)` makes commits fail.
///
/// Affinity: any thread (one mutex).
#include "runnel/store/retention_log.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

namespace runnel::store {

class memory_retention_log final : public retention_log {
public:
    explicit memory_retention_log(retention_fn retention_of);

    boost::system::error_code load(snapshot& out, std::chrono::milliseconds idempotency_window) override;
    void commit(write_batch b, done_fn written, done_fn durable) override;
    void read(read_query q, read_fn done) override;
    bool writable() const noexcept override;
    std::string failure() const override;
    log_stats stats() const override;
    void close() override;

    /// Test controls.
    void hold(bool on);
    /// Applies the held batches, then answers them. Returns how many there were.
    std::size_t release();
    void fail_writes(boost::system::error_code ec);
    /// What the log holds for `channel` (offset order).
    std::vector<core::message_ptr> messages(const std::string& channel) const;
    std::size_t owed_count() const;

private:
    struct channel_log {
        std::map<std::uint64_t, core::message_ptr> by_offset;
        std::uint64_t bytes = 0;
        std::uint64_t trimmed_offset = 0;
        std::uint64_t trimmed_tt = 0;
    };
    struct held {
        write_batch b;
        done_fn written, durable;
    };
    void apply(const write_batch& b);
    void trim(const std::string& name, channel_log& c);

    retention_fn retention_of_;
    mutable std::mutex mutex_; // guards everything below
    std::unordered_map<std::string, channel_log> channels_;
    std::map<std::string, channel_state> meta_;
    std::map<std::string, core::message_ptr> retained_;
    std::map<std::string, idempotency_entry> idempotency_; // key: channel + '\0' + key
    std::map<std::string, session_record> sessions_;
    std::map<std::pair<std::uint64_t, std::uint64_t>, owed_message> owed_;
    std::map<std::uint64_t, std::vector<std::uint16_t>> inbound_;
    std::map<std::string, std::string> kv_;
    bool holding_ = false;
    std::deque<held> held_;
    boost::system::error_code failing_;
    log_stats stats_;
};

} // namespace runnel::store
