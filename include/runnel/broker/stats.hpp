#pragma once
/// Broker-wide counters, shared by every worker (relaxed atomics) and read by `/metrics` and
/// `$SYS`. Registered once in the metrics registry by the broker.
#include "runnel/obs/metrics.hpp"

namespace runnel::broker {

struct broker_stats {
    explicit broker_stats(obs::registry& r);

    obs::counter& routed;             // messages routed by the shards
    obs::counter& delivered;          // deliveries handed to connections
    obs::counter& dropped_queue_full; // QoS 1/2 refused by a full session queue
    obs::counter& dropped_qos0;       // QoS 0 refused by a full connection queue or absent client
    obs::counter& dropped_expired;    // message expiry passed before delivery
    obs::counter& dropped_no_session; // routed to a session that had ended
    obs::counter& redelivered_shared; // shared-group messages handed to another member
    obs::counter& refused_storage;    // publishes refused because the retention log cannot write
    obs::counter& failed_storage;     // publishes whose write failed
    obs::counter& refused_backlog;    // publishes refused while the log was too far behind
    obs::counter& idempotent_hits;    // publishes answered from the idempotency window
    obs::gauge& sessions;
    obs::gauge& subscriptions;
    obs::gauge& retained;
    obs::gauge& queued;               // messages waiting in session queues
    obs::gauge& inflight;             // QoS 1/2 deliveries awaiting acknowledgement
};

} // namespace runnel::broker
