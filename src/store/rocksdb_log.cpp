#include "rocksdb_log.hpp"

#include "history_reader.hpp"
#include "loader.hpp"

#include "runnel/obs/log.hpp"
#include "runnel/store/rocksdb_retention_log.hpp"

namespace runnel::store {

rocksdb_log::rocksdb_log(std::unique_ptr<log_core> core)
    : core_(std::move(core)), writer_(*core_), readers_(core_->internals.reader_threads), sweeper_(*core_) {}

rocksdb_log::~rocksdb_log() { close(); }

boost::system::error_code rocksdb_log::load(snapshot& out, std::chrono::milliseconds idempotency_window) {
    std::lock_guard lock(db_mutex_);
    if (!core_->db) return errc::shutting_down;
    return load_snapshot(*core_, out, idempotency_window);
}

void rocksdb_log::commit(write_batch b, done_fn written, done_fn durable) {
    writer_.submit(std::move(b), std::move(written), std::move(durable));
}

void rocksdb_log::read(read_query q, read_fn done) {
    auto task = [this, q = std::move(q), done]() {
        auto page = read_history(*core_, q);
        if (page) done({}, std::move(*page));
        else done(page.error(), {});
    };
    if (!readers_.post(task)) done(errc::shutting_down, {});
}

bool rocksdb_log::writable() const noexcept { return writer_.writable(); }

std::string rocksdb_log::failure() const { return writer_.failure(); }

log_stats rocksdb_log::stats() const {
    const auto& c = core_->counters;
    std::lock_guard lock(db_mutex_);
    return {c.messages_written.load(), c.batches_written.load(), c.syncs.load(), c.write_errors.load(),
            c.trimmed_messages.load(), core_->db ? core_->db->disk_bytes() : 0};
}

void rocksdb_log::close() {
    std::lock_guard lock(close_mutex_);
    if (closed_) return;
    closed_ = true;
    sweeper_.stop();
    writer_.stop();
    readers_.stop();
    if (writer_.writable()) { // a WAL in error must not be synced (RocksDB asserts)
        auto s = core_->db->db().FlushWAL(true);
        if (!s.ok()) RUNNEL_LOG_WARN(obs::store_log(), "store: final WAL sync: {}", s.ToString());
    }
    // Release the database (and its LOCK) now, so the same path can be opened again.
    std::lock_guard db_lock(db_mutex_);
    core_->db.reset();
}

void rocksdb_log::flush() {
    std::lock_guard lock(db_mutex_);
    if (!core_->db) return;
    std::vector<rocksdb::ColumnFamilyHandle*> all;
    for (std::size_t i = 0; i < cf_count; ++i) all.push_back((*core_->db)[static_cast<cf>(i)]);
    (void)core_->db->db().Flush(rocksdb::FlushOptions(), all);
}

std::uint64_t rocksdb_log::sweep_now() {
    std::lock_guard lock(db_mutex_);
    return core_->db ? sweeper_.sweep_once() : 0;
}

result<std::unique_ptr<retention_log>> open_rocksdb_log(log_options opts, const rocksdb_internals& in,
                                                        std::string* why) {
    std::string text;
    auto fail = [&](boost::system::error_code ec) -> result<std::unique_ptr<retention_log>> {
        RUNNEL_LOG_ERROR(obs::store_log(), "{}", text);
        if (why) *why = text;
        return ec;
    };
    if (!opts.retention_of) {
        text = "store: log_options.retention_of is required";
        return fail(make_error_code(errc::storage_failed));
    }
    auto core = std::make_unique<log_core>();
    core->opts = std::move(opts);
    core->internals = in;
    auto db = db_handle::open(core->opts, in, text);
    if (!db) return fail(db.error());
    core->db = std::move(*db);
    auto dropped = rebuild_channels(*core, text);
    if (!dropped) return fail(dropped.error());
    RUNNEL_LOG_INFO(obs::store_log(), "store: opened {}", core->opts.path);
    return std::unique_ptr<retention_log>(new rocksdb_log(std::move(core)));
}

result<std::unique_ptr<retention_log>> open_rocksdb_log(log_options opts, std::string* why) {
    return open_rocksdb_log(std::move(opts), rocksdb_internals{}, why);
}

} // namespace runnel::store
