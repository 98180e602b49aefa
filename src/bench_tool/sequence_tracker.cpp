#include "runnel/bench_tool/sequence_tracker.hpp"

namespace runnel::bench_tool {

bool sequence_tracker::test_and_set(std::uint64_t seq) {
    auto word = seq / 64;
    if (word >= bits_.size()) bits_.resize(std::max<std::size_t>(word + 1, bits_.size() * 2), 0);
    auto mask = std::uint64_t{1} << (seq % 64);
    bool was = (bits_[word] & mask) != 0;
    bits_[word] |= mask;
    return was;
}

sequence_tracker::outcome sequence_tracker::record(std::uint64_t seq) {
    ++received_;
    if (seq >= max_seq_) {
        ++out_of_range_;
        return outcome::out_of_range;
    }
    if (test_and_set(seq)) {
        ++duplicates_;
        return outcome::duplicate;
    }
    ++distinct_;
    if (seq < next_) {
        ++reordered_;
        return outcome::reordered;
    }
    auto result = seq == next_ ? outcome::in_order : outcome::ahead;
    next_ = seq + 1;
    return result;
}

std::uint64_t sequence_tracker::lost(std::uint64_t sent) const noexcept {
    // Arrivals past `sent` (there should be none) do not offset losses below it.
    std::uint64_t below = 0;
    if (sent >= next_) {
        below = distinct_;
    } else {
        for (std::uint64_t w = 0; w < sent / 64; ++w) below += static_cast<std::uint64_t>(__builtin_popcountll(bits_[w]));
        if (sent % 64 != 0) below += static_cast<std::uint64_t>(__builtin_popcountll(bits_[sent / 64] & ((std::uint64_t{1} << (sent % 64)) - 1)));
    }
    return sent - below;
}

} // namespace runnel::bench_tool
