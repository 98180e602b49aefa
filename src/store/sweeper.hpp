#pragma once
/// The retention sweep (every sweep_interval): for each channel over its max_messages or
/// max_bytes, or whose oldest message passed its max_age, it scans the dropped prefix of
/// `msgs` once, moves the channel's trim floor, and writes ONE DeleteRange plus the new
/// chan_meta floor (never a tombstone per message). When the sweeps dropped more than
/// compact_after_bytes since the last time it compacts `msgs`, so the disk is actually freed.
/// (The msgs compaction filter drops aged records on its own too; see compaction_filters.hpp.)
/// Affinity: its own thread; sweep_once() from any thread (serialized).
#include "log_core.hpp"

#include <condition_variable>
#include <thread>

namespace runnel::store {

class sweeper {
public:
    explicit sweeper(log_core& core);
    ~sweeper();
    void stop();
    /// One pass over every channel; returns how many messages it dropped.
    std::uint64_t sweep_once();

private:
    void run();
    /// Returns the messages dropped from `name`; adds their bytes to `bytes`.
    std::uint64_t trim_channel(const std::string& name, std::uint64_t& bytes);

    log_core& core_;
    std::mutex sweep_mutex_; // serializes sweep_once (thread and tests)
    std::uint64_t dropped_bytes_ = 0; // since the last CompactRange; guarded by sweep_mutex_
    std::mutex mutex_;                // guards stopping_
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace runnel::store
