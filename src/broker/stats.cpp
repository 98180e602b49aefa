#include "runnel/broker/stats.hpp"

namespace runnel::broker {

broker_stats::broker_stats(obs::registry& r)
    : routed(r.make_counter("runnel_messages_routed_total", "Messages routed by the router shards")),
      delivered(r.make_counter("runnel_deliveries_total", "Messages handed to client connections")),
      dropped_queue_full(r.make_counter("runnel_messages_dropped_total", "Messages dropped, by reason", R"(reason="queue_full")")),
      dropped_qos0(r.make_counter("runnel_messages_dropped_total", "Messages dropped, by reason", R"(reason="qos0_not_writable")")),
      dropped_expired(r.make_counter("runnel_messages_dropped_total", "Messages dropped, by reason", R"(reason="expired")")),
      dropped_no_session(r.make_counter("runnel_messages_dropped_total", "Messages dropped, by reason", R"(reason="no_session")")),
      redelivered_shared(r.make_counter("runnel_shared_redeliveries_total", "Shared-subscription messages handed to another member")),
      refused_storage(r.make_counter("runnel_publishes_failed_total", "Publishes not accepted because of storage", R"(reason="log_not_writable")")),
      failed_storage(r.make_counter("runnel_publishes_failed_total", "Publishes not accepted because of storage", R"(reason="write_failed")")),
      refused_backlog(r.make_counter("runnel_publishes_failed_total", "Publishes not accepted because of storage", R"(reason="log_backlog")")),
      idempotent_hits(r.make_counter("runnel_idempotent_duplicates_total", "Publishes answered with the cursor of an earlier one with the same idempotency key")),
      sessions(r.make_gauge("runnel_sessions", "Sessions, connected or not")),
      subscriptions(r.make_gauge("runnel_subscriptions", "Subscriptions across all sessions")),
      retained(r.make_gauge("runnel_retained_messages", "Retained messages")),
      queued(r.make_gauge("runnel_session_queued_messages", "Messages waiting in session queues")),
      inflight(r.make_gauge("runnel_session_inflight_messages", "QoS 1/2 deliveries awaiting acknowledgement")) {}

} // namespace runnel::broker
