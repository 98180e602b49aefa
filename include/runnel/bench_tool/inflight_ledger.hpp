#pragma once
/// The QoS 1 publishes of one reconnecting producer that the broker has not acknowledged yet.
/// A publish carries the producer's sequence number in its payload and a packet id that is
/// valid on one connection only. The ledger maps the ids in use on the current connection to
/// sequence numbers, so a PUBACK names the message it acknowledges. When the connection ends,
/// every unacknowledged sequence number goes back to the producer, in ascending order, to be
/// published again on the next connection (MQTT 3.1.1 4.4 / 5.0 4.4: resend in the original
/// order; the broker may then hold the message twice, which QoS 1 allows).
/// Pure bookkeeping; no I/O. Affinity: single-threaded (owned by one producer).
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace runnel::bench_tool {

class inflight_ledger {
public:
    inflight_ledger() : seq_of_(65536) {}

    /// Tracks `seq` as sent on the current connection; returns its packet id (1..65535, never
    /// one in use). At most 65535 publishes can be in flight; the caller caps that.
    std::uint16_t sent(std::uint64_t seq);

    /// The PUBACK for `packet_id`: the sequence number it acknowledges, or nullopt when that id
    /// is not in use (a stray or repeated acknowledgement).
    std::optional<std::uint64_t> acked(std::uint16_t packet_id);

    /// The connection ended: every unacknowledged sequence number, ascending. All packet ids
    /// are free again (a new connection with a clean session starts from scratch).
    std::vector<std::uint64_t> connection_lost();

    std::size_t size() const noexcept { return by_seq_.size(); }
    bool empty() const noexcept { return by_seq_.empty(); }

private:
    std::map<std::uint64_t, std::uint16_t> by_seq_;   // unacknowledged: sequence number -> packet id
    std::vector<std::optional<std::uint64_t>> seq_of_; // packet id -> sequence number, when in use
    std::uint16_t last_id_ = 0;
};

} // namespace runnel::bench_tool
