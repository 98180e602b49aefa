#include "sweeper.hpp"

#include "keys.hpp"
#include "status.hpp"

#include "runnel/obs/log.hpp"

#include <rocksdb/iterator.h>

namespace runnel::store {

sweeper::sweeper(log_core& core) : core_(core), thread_([this] { run(); }) {}

sweeper::~sweeper() { stop(); }

void sweeper::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void sweeper::run() {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, core_.opts.sweep_interval, [&] { return stopping_; })) {
        lock.unlock();
        sweep_once();
        lock.lock();
    }
}

std::uint64_t sweeper::sweep_once() {
    std::lock_guard lock(sweep_mutex_);
    std::uint64_t dropped = 0;
    for (const auto& name : core_.channels.names()) dropped += trim_channel(name, dropped_bytes_);
    core_.counters.trimmed_messages += dropped;
    if (dropped_bytes_ >= core_.internals.compact_after_bytes && dropped_bytes_ > 0) {
        rocksdb::CompactRangeOptions co;
        co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
        auto s = core_.db->db().CompactRange(co, (*core_.db)[cf::msgs], nullptr, nullptr);
        if (!s.ok()) RUNNEL_LOG_WARN(obs::store_log(), "store: compaction after the sweep: {}", s.ToString());
        dropped_bytes_ = 0;
    }
    return dropped;
}

std::uint64_t sweeper::trim_channel(const std::string& name, std::uint64_t& bytes) {
    auto e = core_.channels.find(name);
    if (!e || e->count == 0) return 0;
    auto r = core_.opts.retention_of(name);
    auto now_ms = clock_now::read().unix_ms;
    channel_table::trim t{e->meta.epoch};
    auto over = [&](std::int64_t deadline_ms) {
        auto count = e->count - t.count, size = e->bytes - t.bytes;
        return !r.store || (r.max_messages && count > r.max_messages) || (r.max_bytes && size > r.max_bytes) ||
               (deadline_ms && deadline_ms < now_ms);
    };
    if (!over(e->first_deadline_ms)) return 0;

    auto end = channel_end(name);
    rocksdb::Slice end_s(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &end_s;
    std::unique_ptr<rocksdb::Iterator> it(core_.db->db().NewIterator(ro, (*core_.db)[cf::msgs]));
    for (it->Seek(msg_key(name, e->meta.trimmed_offset + 1)); it->Valid(); it->Next()) {
        auto h = peek_header({it->value().data(), it->value().size()});
        if (!h) continue; // undecodable: left to repair
        if (h->offset > e->last_stored) break;
        if (!over(h->deadline_ms)) {
            t.next_offset = h->offset;
            t.next_deadline_ms = h->deadline_ms;
            break;
        }
        t.floor = h->offset;
        t.floor_tt = h->tt;
        ++t.count;
        t.bytes += h->payload_len + name.size();
    }
    if (!it->status().ok() || t.count == 0) return 0;

    std::lock_guard lock(core_.write_mutex);
    rocksdb::WriteBatch wb;
    wb.DeleteRange((*core_.db)[cf::msgs], msg_key(name, 0), msg_key(name, t.floor + 1));
    auto current = core_.channels.find(name);
    if (!current || current->meta.epoch != t.epoch) return 0; // the epoch changed while we scanned
    auto meta = current->meta;
    meta.trimmed_offset = std::max(meta.trimmed_offset, t.floor);
    meta.trimmed_tt = std::max(meta.trimmed_tt, t.floor_tt);
    wb.Put((*core_.db)[cf::chan_meta], name, encode_channel_meta(meta));
    auto s = core_.db->db().Write(rocksdb::WriteOptions(), &wb);
    if (!s.ok() || !core_.channels.apply_trim(name, t)) return 0;
    bytes += t.bytes;
    return t.count;
}

} // namespace runnel::store
