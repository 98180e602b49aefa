#include "runnel/bench_tool/inflight_ledger.hpp"

namespace runnel::bench_tool {

std::uint16_t inflight_ledger::sent(std::uint64_t seq) {
    // Fewer than 65535 ids are in use (the caller's cap), so a free one exists.
    do {
        if (++last_id_ == 0) last_id_ = 1;
    } while (seq_of_[last_id_]);
    seq_of_[last_id_] = seq;
    by_seq_[seq] = last_id_;
    return last_id_;
}

std::optional<std::uint64_t> inflight_ledger::acked(std::uint16_t packet_id) {
    auto seq = seq_of_[packet_id];
    if (!seq) return std::nullopt;
    seq_of_[packet_id].reset();
    by_seq_.erase(*seq);
    return seq;
}

std::vector<std::uint64_t> inflight_ledger::connection_lost() {
    std::vector<std::uint64_t> out;
    out.reserve(by_seq_.size());
    for (auto [seq, id] : by_seq_) {
        out.push_back(seq);
        seq_of_[id].reset();
    }
    by_seq_.clear();
    last_id_ = 0;
    return out;
}

} // namespace runnel::bench_tool
