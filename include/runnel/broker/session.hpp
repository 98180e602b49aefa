#pragma once
/// A client's session: what outlives its connections. Subscriptions (as recorded for rebinding
/// and cleanup), messages in flight to the client (QoS 1/2, by packet id), the queue of messages
/// not yet sent (window full or client away), QoS 2 packet ids received from the client and not
/// yet released, the will, and the expiry interval.
///
/// Flow control: at most `window` messages are in flight (min of the client's receive maximum
/// and the server's max_inflight); the rest wait in a bounded queue (by count and bytes). QoS 0
/// is never queued for an absent client. Expired messages are dropped when they leave the queue.
///
/// Affinity: single-threaded; lives on one worker (moved between workers only by the broker,
/// never while a connection is attached). Does not own its sink.
#include "runnel/broker/session_sink.hpp"
#include "runnel/broker/types.hpp"
#include "runnel/store/retention_log.hpp"

#include <chrono>
#include <cstdint>
#include <boost/container/devector.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runnel::broker {

struct broker_stats;

struct session_limits {
    std::uint16_t max_inflight = 64;
    std::size_t max_queued_messages = 1000;
    std::size_t max_queued_bytes = 64u << 20;
};

/// Where a message came from when it was routed through a shared subscription group; such
/// messages go back to the group (another member) when this session leaves.
struct shared_origin {
    std::string group;
    std::string filter;
};

/// A message waiting for or in flight to the client.
struct outgoing {
    core::message_ptr msg;
    std::uint8_t qos = 0;
    bool retain = false;
    std::vector<std::uint32_t> sub_ids;
    std::optional<shared_origin> shared;
    std::uint64_t owed_tt = 0; // the retention log keeps it for this session under this tt (0 = not)
    bool with_cursor = false; // a subscription asked for the cursor (MQTT v5 user properties)
};

struct will_spec {
    core::message_ptr msg;
    std::chrono::seconds delay{0};
};

/// A recorded subscription: the filter as subscribed (without `$share/`), the group and options.
struct sub_record {
    std::string filter;
    std::string group;
    sub_options opts;
};

class session {
public:
    session(session_id id, std::string client_id, session_limits lim, broker_stats* stats);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    session_id id() const noexcept { return id_; }
    const std::string& client_id() const noexcept { return client_id_; }

    /// Attaches a connection: resends what is in flight (dup), then sends from the queue.
    void attach(session_sink* sink, std::uint16_t client_receive_maximum);
    void detach() noexcept { sink_ = nullptr; }
    bool attached() const noexcept { return sink_ != nullptr; }
    session_sink* sink() const noexcept { return sink_; }

    /// A routed message with the options of every subscription of this session it matched.
    /// Applies no-local, merges QoS (max), sub ids and retain-as-published.
    /// `owed`: the log holds it for this (persistent) session until the client has it.
    void deliver(const core::message_ptr& msg, const std::vector<sub_options>& subs,
                 std::optional<shared_origin> shared, core::steady_time now, bool owed = false);
    /// A retained message sent because of a new subscription (retain flag set).
    void deliver_retained(const core::message_ptr& msg, const sub_options& opts, core::steady_time now);

    // Acknowledgements from the client. Each returns false for an unknown packet id.
    bool on_puback(std::uint16_t id);
    bool on_pubrec(std::uint16_t id);
    bool on_pubcomp(std::uint16_t id);

    // QoS 2 from the client: begin returns false when `id` is already awaiting release (a
    // duplicate that must not be published again); release returns false when unknown.
    bool inbound_qos2_begin(std::uint16_t id);
    bool inbound_qos2_release(std::uint16_t id);
    std::size_t inbound_qos2_pending() const noexcept { return inbound_qos2_.size(); }

    std::map<std::string, sub_record>& subscriptions() noexcept { return subs_; }

    std::optional<will_spec>& will() noexcept { return will_; }
    std::chrono::seconds expiry() const noexcept { return expiry_; }
    void set_expiry(std::chrono::seconds s) noexcept { expiry_ = s; }
    /// Bumped on every attach/detach; a pending expiry or will timer compares it.
    std::uint64_t epoch() const noexcept { return epoch_; }
    std::uint64_t bump_epoch() noexcept { return ++epoch_; }
    std::vector<worker_id>& visited() noexcept { return visited_; }

    /// Persistence (MQTT session expiry > 0 with a retention log): the session's durable id
    /// names what the log keeps for it; every change to what it owes its client is written.
    std::uint64_t durable_id() const noexcept { return durable_id_; }
    void make_durable(std::uint64_t id, store::retention_log* log) noexcept {
        durable_id_ = id;
        log_ = log;
    }
    /// Rebuilds a message owed before a restart: queued, in flight with its packet id, or
    /// released (QoS 2, waiting for PUBCOMP).
    void restore_owed(const store::owed_message& o);
    void restore_inbound(std::uint16_t packet_id) { inbound_qos2_.push_back(packet_id); }

    /// Removes and returns every message (in flight or queued) that came through a shared
    /// group, so the broker can hand them to another member.
    std::vector<outgoing> take_shared();
    std::size_t inflight() const noexcept { return inflight_.size(); }
    std::size_t queued() const noexcept { return queue_.size(); }

private:
    struct in_flight {
        std::uint16_t packet_id;
        bool released; // QoS 2: PUBREC seen, waiting for PUBCOMP
        outgoing out;
    };
    void enqueue(outgoing o, core::steady_time now);
    void pump(core::steady_time now);
    void send(in_flight& f, bool dup);
    std::uint16_t next_packet_id();
    void journal_put(const in_flight& f);
    void journal_erase(const outgoing& o);
    bool erase_inflight(std::uint16_t id, std::uint8_t qos, bool released);
    /// Un-counts the front queue entry (bytes and gauge); the caller pops it.
    void drop_queued_front();

    session_id id_;
    std::string client_id_;
    session_limits limits_;
    broker_stats* stats_;
    session_sink* sink_ = nullptr;
    std::uint16_t window_ = 0;
    std::vector<in_flight> inflight_; // send order; small (<= window)
    // devector: no allocation while empty (std::deque allocates ~576 B up front, per session).
    boost::container::devector<outgoing> queue_;
    std::size_t queued_bytes_ = 0;
    std::vector<std::uint16_t> inbound_qos2_;
    std::uint16_t last_packet_id_ = 0;
    std::map<std::string, sub_record> subs_; // key: the filter as the client wrote it
    std::optional<will_spec> will_;
    std::chrono::seconds expiry_{0};
    std::uint64_t epoch_ = 0;
    std::vector<worker_id> visited_;
    std::uint64_t durable_id_ = 0;
    store::retention_log* log_ = nullptr;
};

} // namespace runnel::broker
