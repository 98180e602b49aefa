#pragma once
/// The protocol-free core of a node: sessions, the sharded router and retained messages.
///
/// Threads: S router shards, shard k owned by worker k % W. A channel's messages are ordered by
/// its shard (hash of the full topic name), so per-topic publish order holds end to end. Exact
/// filters live in their topic's shard; wildcard filters in every shard, so a publish consults
/// one shard. Fan-out is grouped per destination worker: one post per (publish, worker).
/// Sessions live on the worker of their connection; a client that reconnects on another worker
/// takes its session along (the old worker forwards late deliveries). Client ids map to
/// sessions in one registry behind a mutex, touched only on connect and session end.
///
/// Cursors: the shard of a channel stamps every message with its offset, epoch and timetoken
/// (core/cursor.hpp) and keeps the newest ones in the channel's buffer, which read() serves.
///
/// Affinity: every method is called on a worker (the one owning the session it names) except
/// publish(), read() and now_tt(), callable from any thread. Callbacks run on the calling
/// worker (on worker 0 for a caller that is not a worker).
#include "runnel/broker/channel_buffer.hpp"
#include "runnel/broker/dispatcher.hpp"
#include "runnel/broker/session.hpp"
#include "runnel/broker/stats.hpp"
#include "runnel/core/cursor.hpp"
#include "runnel/core/message.hpp"
#include "runnel/store/retention_log.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace runnel::broker {

struct broker_options {
    std::size_t shards = 0; // 0 = one per worker
    session_limits limits;
    buffer_limits buffer;
    /// The retention log; null = memory only (nothing survives a restart). Not owned; must
    /// outlive the broker and be loaded (load()) before the broker is built.
    store::retention_log* log = nullptr;
    /// Which channels the log keeps, and how long (required with a log).
    store::retention_fn retention_of;
    /// How long an idempotency key is remembered.
    std::chrono::milliseconds idempotency_window{120000};
    /// Bytes a shard may hold waiting for the log; past it, publishes to stored channels are
    /// refused (errc::server_busy) until the log catches up.
    std::size_t max_unwritten_bytes = std::size_t{64} << 20;
};

/// What publish() reports once the message is routed and durable (by the log's sync policy).
struct publish_ack {
    std::size_t reached = 0;        // subscriptions (sessions and shared-group picks) it went to
    core::cursor cur;               // the cursor the message got
    boost::system::error_code error; // set: not published (errc::storage_full / storage_failed)
    std::string reason;             // why, for the client, when `error` is set
    bool duplicate = false;         // the idempotency key was seen: `cur` is the original's
};

/// A history query on one channel (broker::history): the log's own query, whichever of log
/// and buffer answers it. Bounds are exclusive below and inclusive above, by offset or
/// timetoken (every bound given applies).
using history_query = store::read_query;

struct history_page {
    std::vector<core::message_ptr> messages; // in the order asked for
    bool more = false;                       // a next page exists (continue after the last one)
    std::uint64_t epoch = 0;                 // the channel's epoch (0 = channel unknown)
    std::uint64_t last_offset = 0;           // the channel's newest offset
    bool complete = true;                    // false: the range reaches past what retention kept
    std::string reason;
    boost::system::error_code error;         // the log could not be read
};

/// What read() returns: buffered messages after a cursor, in timetoken order.
struct read_result {
    std::vector<core::message_ptr> messages;
    std::uint64_t cursor = 0; // the cursor to read from next time
    bool complete = true;     // false: some message after the cursor is gone (see reason)
    std::string reason;
};

struct sub_request {
    std::string filter;              // as the client wrote it; may be `$share/{group}/{filter}`
    sub_options opts;
    std::uint8_t retain_handling = 0; // 0 send retained, 1 only if new, 2 never
};

struct sub_outcome {
    bool existed = false;
    std::vector<core::message_ptr> retained; // to send after the acknowledgement
    /// Every message with tt above this reaches the session live; every one at or below it
    /// was routed before the subscription existed (read() it to replay). The largest horizon
    /// of the shards that applied the subscription.
    std::uint64_t horizon = 0;
};

class broker {
public:
    using open_fn = std::function<void(session*, bool present)>;

    broker(dispatcher& d, broker_options opts, broker_stats& stats);
    ~broker();

    /// Rebuilds channel positions, retained messages, idempotency keys and persistent sessions
    /// (subscriptions, owed messages, packet ids) from the log. Call once, after construction
    /// and before the workers run.
    void restore(const store::snapshot& snap);
    broker(const broker&) = delete;
    broker& operator=(const broker&) = delete;

    /// Finds or creates the session of `client_id` and moves it to worker `w` (the caller's).
    /// An attached connection elsewhere is kicked (session_taken_over). clean_start discards
    /// the old session. `done` runs on `w` with the session and whether it existed.
    void open_session(worker_id w, std::string client_id, bool clean_start, open_fn done);
    /// The connection attached to `s` has ended; `abnormal` publishes the will (after its
    /// delay). The session then lives for its expiry interval, or ends now when that is 0.
    void connection_lost(session* s, bool abnormal);

    void subscribe(session* s, std::vector<sub_request> reqs, std::function<void(std::vector<sub_outcome>)> done);
    /// `done` gets, per filter, whether a subscription existed.
    void unsubscribe(session* s, std::vector<std::string> filters, std::function<void(std::vector<bool>)> done);

    /// Stamps and routes `m` (any thread). `done`, if set, runs on the calling worker once the
    /// message is routed.
    void publish(core::message m, std::function<void(const publish_ack&)> done = {});

    /// Reads the buffered messages with tt > `since` on every channel matching one of
    /// `filters` (valid filters, no `$share/`), oldest tt first, at most `limit` of them and
    /// about `max_bytes` of payload (always at least one). Only messages below a horizon every
    /// consulted shard has passed are returned, so reading again from the returned cursor never
    /// skips one stamped later with a smaller tt. A cursor ahead of the node's clock (another
    /// node's, or a clock that went back) is reported as a gap and read from now.
    void read(std::vector<std::string> filters, std::uint64_t since, std::size_t limit, std::size_t max_bytes,
              std::function<void(read_result)> done);
    /// Reads one channel's history: from the log when it keeps the channel, else from its
    /// buffer. `done` runs on the calling worker.
    void history(history_query q, std::function<void(history_page)> done);

    /// A cursor meaning "now": reading from it returns only messages published after the call.
    std::uint64_t now_tt() const noexcept { return clock_.last(); }

    std::size_t shard_count() const noexcept { return shards_.size(); }
    std::size_t worker_count() const noexcept { return workers_.size(); }
    broker_stats& stats() noexcept { return stats_; }

private:
    struct shard;
    struct worker_state;
    struct routed;
    struct batch;
    struct pending_publish;
    struct commit_group;
    struct idem_entry;

    // Sessions (broker.cpp)
    session* create_session(worker_id w, session_id id, const std::string& client_id);
    void take(worker_id at, session_id id, worker_id to, std::string client_id, bool clean, open_fn done);
    /// Moves `s` (on `at`, detached) to worker `to` without reordering its messages.
    void move(worker_id at, session& s, worker_id to, open_fn done);
    void install(worker_id w, std::unique_ptr<session> s, open_fn done);
    void end_session(worker_id w, session_id id);
    /// Ends `s` once its expiry (or `after`) has passed while it stays detached.
    void schedule_expiry(worker_id w, session& s, std::optional<std::chrono::milliseconds> after = std::nullopt);
    void fire_will(worker_id w, session& s);
    session* find(worker_id w, session_id id);

    // Routing (router.cpp)
    std::size_t shard_of(std::string_view topic) const noexcept;
    worker_id worker_of(std::size_t k) const noexcept { return static_cast<worker_id>(k % workers_.size()); }
    void run_on(worker_id w, std::function<void()> fn);
    void route(std::size_t k, std::shared_ptr<core::message> m, worker_id origin,
               std::function<void(const publish_ack&)> done);
    worker_id reply_worker(worker_id origin) const noexcept { return origin < workers_.size() ? origin : 0; }
    void deliver_batch(worker_id w, std::shared_ptr<batch> b);
    bool stored(channel_buffer& ch, const std::string& name);
    bool answer_duplicate(shard& sh, const core::message& m, worker_id origin,
                          std::function<void(const publish_ack&)>& done);
    void remember_key(shard& sh, const core::message& m);
    void flush(std::size_t k);
    void set_retained(shard& sh, const core::message_ptr& m);
    void on_written(std::size_t k, std::shared_ptr<commit_group> g, boost::system::error_code ec);
    void on_durable(std::size_t k, std::shared_ptr<commit_group> g, boost::system::error_code ec);
    /// Everything stamped on shard k at or below this is readable (buffer or log).
    std::uint64_t horizon(const shard& sh) const noexcept;
    void redeliver(core::message_ptr m, shared_origin from, session_id exclude, unsigned attempts);
    void bind(session_ref ref, const sub_record& r, std::uint64_t durable);
    /// Writes `s`'s record when it persists (expiry > 0 with a log), giving it a durable id
    /// first; `done` (optional) runs on the caller's worker once durable. Returns false when the
    /// session is not persisted (done is not called).
    bool persist(session& s, std::int64_t disconnected_at_ms, std::function<void()> done = {});
    void forget(session& s);
    void unbind(session_ref ref, const sub_record& r);

    dispatcher& d_;
    broker_options opts_;
    broker_stats& stats_;
    core::timetoken_clock clock_;
    std::uint64_t start_tt_ = clock_.last(); // cursors below this predate the node (restore() moves it)
    std::vector<std::unique_ptr<shard>> shards_;
    std::vector<std::unique_ptr<worker_state>> workers_;
    std::mutex registry_mutex_; // guards registry_ and next_id_
    std::unordered_map<std::string, session_ref> registry_;
    session_id next_id_ = 1;
    std::atomic<std::uint64_t> next_durable_{1};
};

} // namespace runnel::broker
