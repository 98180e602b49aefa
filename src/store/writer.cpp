#include "writer.hpp"

#include "status.hpp"

#include "runnel/obs/log.hpp"

namespace runnel::store {
namespace {

constexpr std::size_t max_drain = 1024;
constexpr auto retry_every = std::chrono::milliseconds(250);
const std::string probe_key("\0runnel.probe", 13);

void answer(const retention_log::done_fn& fn, boost::system::error_code ec) {
    if (fn) fn(ec);
}

} // namespace

writer::writer(log_core& core)
    : core_(core), encoder_(*core.db, core.channels, core.opts.retention_of), thread_([this] { run(); }) {}

writer::~writer() { stop(); }

void writer::submit(write_batch b, retention_log::done_fn written, retention_log::done_fn durable) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back({std::move(b), std::move(written), std::move(durable)});
            cv_.notify_one();
            return;
        }
    }
    answer(written, errc::shutting_down);
    answer(durable, errc::shutting_down);
}

std::string writer::failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

void writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

writer::clock::time_point writer::wake_at() const {
    auto at = clock::time_point::max();
    if (!unsynced_.empty()) at = unsynced_.front().since + core_.opts.sync_interval;
    if (!writable_) at = std::min(at, last_retry_ + retry_every);
    return at;
}

void writer::run() {
    for (;;) {
        std::deque<entry> work;
        bool stopping = false;
        {
            std::unique_lock lock(mutex_);
            cv_.wait_until(lock, wake_at(), [&] { return !queue_.empty() || stopping_; });
            auto n = std::min(queue_.size(), max_drain);
            std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(work));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
            stopping = stopping_ && queue_.empty();
        }
        if (!writable_ && clock::now() >= last_retry_ + retry_every) try_recover();
        if (!work.empty()) write_drain(work);
        // Group commit: sync when nothing more waits to be written (a lone publisher waits one
        // fsync, not sync_interval), else once sync_batch messages or sync_interval are reached.
        bool idle = false;
        {
            std::lock_guard lock(mutex_);
            idle = queue_.empty();
        }
        sync_if_due(stopping || (idle && core_.opts.sync_when_idle));
        if (stopping) return;
    }
}

void writer::write_drain(std::deque<entry>& work) {
    rocksdb::Status s;
    if (!writable_) {
        core_.counters.write_errors += work.size();
        for (auto& e : work) {
            answer(e.written, failing_);
            answer(e.durable, failing_);
        }
        return;
    }
    if (core_.opts.max_disk_bytes > 0 && core_.db->space_limit_reached()) {
        s = rocksdb::Status::SpaceLimit("max_disk_bytes reached");
    } else {
        rocksdb::WriteBatch wb;
        drain_state st;
        auto now = clock_now::read();
        for (const auto& e : work) encoder_.add(e.b, wb, st, now);
        rocksdb::WriteOptions wo;
        wo.sync = core_.opts.sync == sync_policy::always;
        std::lock_guard lock(core_.write_mutex);
        s = core_.db->db().Write(wo, &wb);
        if (s.ok()) {
            for (const auto& c : st.states) core_.channels.set_position(c);
            for (const auto& a : st.appends) core_.channels.add_message(a.channel, a.h, a.size);
            core_.counters.messages_written += st.messages;
            core_.counters.skipped_messages += st.skipped;
        }
    }
    if (!s.ok()) {
        auto ec = to_error(s);
        fail(ec == errc::storage_full ? ec : make_error_code(errc::storage_failed), s.ToString());
        core_.counters.write_errors += work.size();
        for (auto& e : work) {
            answer(e.written, failing_);
            answer(e.durable, failing_);
        }
        return;
    }
    core_.counters.batches_written += work.size();
    if (core_.opts.sync == sync_policy::always) ++core_.counters.syncs;
    auto now = clock::now();
    for (auto& e : work) {
        answer(e.written, {});
        if (core_.opts.sync != sync_policy::batch) {
            answer(e.durable, {});
        } else {
            unsynced_.push_back({std::move(e.durable), now});
            unsynced_messages_ += e.b.messages.size();
        }
    }
}

void writer::sync_if_due(bool force) {
    if (unsynced_.empty()) return;
    bool due = force || unsynced_messages_ >= core_.opts.sync_batch ||
               clock::now() - unsynced_.front().since >= core_.opts.sync_interval;
    if (!due) return;
    auto s = core_.db->db().SyncWAL();
    if (!s.ok()) {
        auto ec = to_error(s) == errc::storage_full ? make_error_code(errc::storage_full) : make_error_code(errc::storage_failed);
        ++core_.counters.write_errors;
        fail(ec, s.ToString()); // answers the unsynced batches
        return;
    }
    ++core_.counters.syncs;
    auto batches = std::move(unsynced_);
    unsynced_.clear();
    unsynced_messages_ = 0;
    for (auto& u : batches) answer(u.durable, {});
}

void writer::fail(const boost::system::error_code& ec, const std::string& why) {
    if (writable_) RUNNEL_LOG_ERROR(obs::store_log(), "store: writes fail, retrying every 250 ms: {}", why);
    failing_ = ec;
    last_retry_ = clock::now();
    writable_ = false;
    {
        std::lock_guard lock(mutex_);
        failure_ = why;
    }
    // Batches written before the failure but not yet synced cannot be synced any more (the WAL
    // file is in error): they are not durable, so say so.
    auto batches = std::move(unsynced_);
    unsynced_.clear();
    unsynced_messages_ = 0;
    for (auto& u : batches) answer(u.durable, ec);
}

void writer::try_recover() {
    last_retry_ = clock::now();
    auto s = core_.db->db().Resume();
    if (s.ok() && core_.opts.max_disk_bytes > 0 && core_.db->space_limit_reached())
        s = rocksdb::Status::SpaceLimit("max_disk_bytes reached");
    if (s.ok()) {
        // A synced write proves the WAL takes bytes and fsync again.
        rocksdb::WriteBatch probe;
        probe.Put(core_.db->operator[](cf::kv), probe_key, "");
        probe.Delete(core_.db->operator[](cf::kv), probe_key);
        rocksdb::WriteOptions wo;
        wo.sync = true;
        std::lock_guard lock(core_.write_mutex);
        s = core_.db->db().Write(wo, &probe);
    }
    if (!s.ok()) {
        std::lock_guard lock(mutex_);
        failure_ = s.ToString();
        return;
    }
    RUNNEL_LOG_WARN(obs::store_log(), "store: writes work again");
    failing_ = {};
    {
        std::lock_guard lock(mutex_);
        failure_.clear();
    }
    writable_ = true;
}

} // namespace runnel::store
