#pragma once
/// The retention log: where a node keeps what it must not lose. Messages by (channel, offset),
/// channel metadata (epoch, last offset, last tt), retained messages, MQTT persistent sessions
/// (records, messages owed to the client, inbound QoS 2 ids), the idempotency index, and a small
/// key-value table for later replicated state.
///
/// This is the whole interface the broker sees (target runnel_store_api, core only). The server
/// injects `rocksdb_retention_log` (runnel_store); unit tests inject `memory_retention_log`.
///
/// Writes: a channel's owning shard submits write_batches in order. Each batch is applied
/// atomically and in submission order across all callers. `written` runs once the batch is
/// applied (readable, and safe against a process crash: the WAL reached the OS); `durable` runs
/// once it is durable by the sync policy (always: fsynced with the write; batch: group commit,
/// fsync every `sync_interval` or `sync_batch` messages; none: same as written). Both callbacks
/// run on a store thread, in submission order; callers hop back to their own worker.
///
/// Reads run on the store's reader threads and answer there.
///
/// Failure: a failed write answers both callbacks with the error (errc::storage_full when the
/// disk or `max_disk_bytes` is full, errc::storage_failed otherwise); while the log is failing,
/// writable() is false and the store retries recovery in the background. Nothing that got a
/// successful `durable` is lost.
#include "runnel/core/error.hpp"
#include "runnel/core/message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace runnel::store {

enum class sync_policy { always, batch, none };

/// How long and how much of a channel the log keeps (config `retention`, first matching
/// pattern wins). Zero limits mean "no limit". store=false: the channel never touches disk.
struct retention {
    std::chrono::seconds max_age{86400};
    std::uint64_t max_messages = 0;
    std::uint64_t max_bytes = 0; // payload + topic bytes
    bool store = true;
};

/// Resolves a channel's retention. Must be thread-safe and pure (called from store threads,
/// including RocksDB's compaction threads).
using retention_fn = std::function<retention(std::string_view channel)>;

struct log_options {
    std::string path;                     // directory of the database
    sync_policy sync = sync_policy::batch;
    std::chrono::microseconds sync_interval{2000};
    std::size_t sync_batch = 256;         // messages
    bool sync_when_idle = true;           // batch: also sync as soon as nothing more waits
    std::size_t block_cache_bytes = std::size_t{64} << 20;
    std::size_t write_buffer_bytes = std::size_t{64} << 20;
    std::uint64_t max_disk_bytes = 0;     // 0 = unbounded; past it writes fail (no space)
    std::chrono::milliseconds sweep_interval{10000};
    bool repair = false;                  // try RocksDB's repair on a corrupt database at open
    retention_fn retention_of;            // required
};

/// A channel's persisted position.
struct channel_state {
    std::string name;
    std::uint64_t epoch = 0;
    std::uint64_t last_offset = 0; // 0 = nothing appended yet
    std::uint64_t last_tt = 0;
};

/// One subscription of a persistent session, as the client wrote it.
struct stored_subscription {
    std::string filter; // may be `$share/{group}/{filter}`
    std::uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    bool with_cursor = false;
    std::uint32_t sub_id = 0;
    std::optional<bool> presence; // the MQTT v5 `runnel-presence` choice; nullopt = none (older records)
    bool operator==(const stored_subscription&) const = default;
};

/// A persistent MQTT session (session expiry > 0).
struct session_record {
    std::string client_id;
    std::uint64_t durable_id = 0;        // names the session's owed messages; never reused
    std::uint32_t expiry_seconds = 0;
    std::int64_t disconnected_at_ms = 0; // Unix ms; 0 = connected when last written
    std::vector<stored_subscription> subscriptions;
};

/// A message a persistent session owes its client (queued, or in flight with a packet id).
/// Keyed by (durable_id, tt).
struct owed_message {
    std::uint64_t durable_id = 0;
    std::uint64_t tt = 0;
    core::message_ptr msg;           // null once released (QoS 2 after PUBREC)
    std::uint8_t qos = 1;
    bool retain = false;
    std::vector<std::uint32_t> sub_ids;
    std::uint16_t packet_id = 0;     // 0 = not sent yet
    bool released = false;           // QoS 2: PUBREC seen, waiting for PUBCOMP
};

/// An idempotency key seen on a channel and the cursor its publish got.
struct idempotency_entry {
    std::string channel;
    std::string key;
    core::cursor cur;
    std::int64_t at_ms = 0; // Unix ms of the original publish
};

/// One atomic unit of work. Messages must be stamped (offset, epoch, tt); their retention
/// deadline is computed by the store from retention_of(topic).max_age.
struct write_batch {
    std::vector<core::message_ptr> messages;
    std::vector<channel_state> channels;           // upserts
    std::vector<core::message_ptr> retained_put;   // by topic
    std::vector<std::string> retained_erase;       // topics
    std::vector<idempotency_entry> idempotency;
    std::vector<session_record> sessions_put;
    std::vector<std::pair<std::string, std::uint64_t>> sessions_erase; // client id, durable id: record + owed + inbound
    std::vector<owed_message> owed_put;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> owed_erase;   // durable id, tt
    std::vector<std::pair<std::uint64_t, std::uint16_t>> inbound_put;  // durable id, packet id
    std::vector<std::pair<std::uint64_t, std::uint16_t>> inbound_erase;
    std::vector<std::pair<std::string, std::string>> kv_put;           // replicated-state table
    std::vector<std::string> kv_erase;

    bool empty() const noexcept {
        return messages.empty() && channels.empty() && retained_put.empty() && retained_erase.empty() &&
               idempotency.empty() && sessions_put.empty() && sessions_erase.empty() && owed_put.empty() &&
               owed_erase.empty() && inbound_put.empty() && inbound_erase.empty() && kv_put.empty() &&
               kv_erase.empty();
    }
};

/// A persistent session with what it owes, as loaded at start.
struct loaded_session {
    session_record record;
    std::vector<owed_message> owed;         // tt order
    std::vector<std::uint16_t> inbound_qos2;
};

/// Everything the broker rebuilds its state from at start.
struct snapshot {
    std::vector<channel_state> channels;
    std::vector<core::message_ptr> retained;
    std::vector<loaded_session> sessions;
    std::vector<idempotency_entry> idempotency; // at_ms within `idempotency_window` of now
    std::uint64_t max_tt = 0;                   // the largest tt stored anywhere
    std::uint64_t max_durable_id = 0;
    /// The replicated-state table (`write_batch::kv_put`), in key order: revocations and, later,
    /// other small node state. Whoever owns a key prefix decodes its values.
    std::vector<std::pair<std::string, std::string>> kv;
};

/// A read of one channel. Bounds are exclusive below and inclusive above; give offsets or
/// timetokens (both may be set; every bound applies).
struct read_query {
    std::string channel;
    std::uint64_t after_offset = 0;
    std::uint64_t after_tt = 0;
    std::uint64_t until_offset = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t until_tt = std::numeric_limits<std::uint64_t>::max();
    bool newest_first = false;
    std::size_t limit = 100;
    std::size_t max_bytes = std::size_t{4} << 20; // payload + topic; always at least one message
};

struct read_page {
    std::vector<core::message_ptr> messages; // in the order asked for
    bool more = false;                       // the limit or max_bytes cut the page short
    /// The newest message the log dropped (retention) or never had; a reader whose bound is
    /// below these missed something. 0 = nothing dropped.
    std::uint64_t trimmed_offset = 0;
    std::uint64_t trimmed_tt = 0;
};

/// Counters the store keeps (read any time, any thread).
struct log_stats {
    std::uint64_t messages_written = 0;
    std::uint64_t batches_written = 0;
    std::uint64_t syncs = 0;
    std::uint64_t write_errors = 0;
    std::uint64_t trimmed_messages = 0;
    std::uint64_t disk_bytes = 0;
};

class retention_log {
public:
    virtual ~retention_log() = default;

    /// Loads everything the broker needs at start. Called once, before any commit. Owed messages
    /// of sessions that no longer exist are dropped here.
    virtual boost::system::error_code load(snapshot& out, std::chrono::milliseconds idempotency_window) = 0;

    using done_fn = std::function<void(boost::system::error_code)>;
    /// Applies `b` atomically (see the file comment). Either callback may be empty.
    virtual void commit(write_batch b, done_fn written, done_fn durable) = 0;

    using read_fn = std::function<void(boost::system::error_code, read_page)>;
    virtual void read(read_query q, read_fn done) = 0;

    /// False while writes fail (disk full, I/O error); the store keeps trying to recover.
    virtual bool writable() const noexcept = 0;
    /// Why the last write failed ("" when writable).
    virtual std::string failure() const = 0;
    virtual log_stats stats() const = 0;

    /// Finishes every submitted batch (callbacks included) and stops the store's threads.
    virtual void close() = 0;
};

} // namespace runnel::store
