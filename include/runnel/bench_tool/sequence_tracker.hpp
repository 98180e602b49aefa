#pragma once
/// Per-publisher delivery accounting on one subscriber. A bitmap indexed by sequence number
/// records which messages arrived, so the counts are exact: a message seen twice is a
/// duplicate, one that arrives after a higher sequence number is reordered, and whatever the
/// publisher sent that never arrived is lost. Memory is one bit per message sent (10 M
/// messages = 1.25 MB), bounded by `max_seq` (2^28 by default: 32 MB at most).
/// Affinity: single-threaded (owned by one subscriber).
#include <cstdint>
#include <vector>

namespace runnel::bench_tool {

class sequence_tracker {
public:
    enum class outcome { in_order, ahead, reordered, duplicate, out_of_range };

    /// Sequence numbers at or above `max_seq` are refused (a corrupt payload must not make
    /// the bitmap huge).
    explicit sequence_tracker(std::uint64_t max_seq = std::uint64_t{1} << 28) : max_seq_(max_seq) {}

    /// Records message `seq`. in_order: the next expected one; ahead: some before it are
    /// missing (so far); reordered: an earlier missing one arriving late.
    outcome record(std::uint64_t seq);

    std::uint64_t received() const noexcept { return received_; }   // every arrival
    std::uint64_t distinct() const noexcept { return distinct_; }   // different sequence numbers
    std::uint64_t duplicates() const noexcept { return duplicates_; }
    std::uint64_t reordered() const noexcept { return reordered_; }
    std::uint64_t out_of_range() const noexcept { return out_of_range_; }
    /// Highest sequence number seen + 1 (0 when none).
    std::uint64_t next() const noexcept { return next_; }
    /// Messages of the first `sent` that never arrived.
    std::uint64_t lost(std::uint64_t sent) const noexcept;

private:
    bool test_and_set(std::uint64_t seq);

    std::uint64_t max_seq_;
    std::vector<std::uint64_t> bits_;
    std::uint64_t next_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t distinct_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t reordered_ = 0;
    std::uint64_t out_of_range_ = 0;
};

} // namespace runnel::bench_tool
