#pragma once
/// Log-linear latency histogram (HdrHistogram's layout, simplified): values below 32 have a
/// bucket each; above, every power of two is split into 32 equal buckets, so a reported
/// percentile is within 1/32 (about 3 %) of the true value. Fixed size (~16 KB), O(1) record,
/// mergeable. Values are nanoseconds but the class does not care about the unit.
/// Affinity: single-threaded; merge per-client histograms after the run.
#include <array>
#include <cstddef>
#include <cstdint>

namespace runnel::bench_tool {

class latency_histogram {
public:
    static constexpr unsigned sub_bits = 5;
    static constexpr std::size_t sub_count = std::size_t{1} << sub_bits;
    static constexpr std::size_t bucket_count = sub_count + (64 - sub_bits) * sub_count;

    void record(std::uint64_t value) noexcept;
    void merge(const latency_histogram& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
    std::uint64_t max() const noexcept { return max_; }
    /// The smallest value v such that at least q (0..1) of the samples are <= v, up to the
    /// bucket's resolution (the bucket's upper bound, never above max()). 0 when empty.
    std::uint64_t percentile(double q) const noexcept;

    static std::size_t bucket_of(std::uint64_t value) noexcept;
    /// Largest value that falls in bucket `i`.
    static std::uint64_t upper_bound(std::size_t i) noexcept;

private:
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
};

} // namespace runnel::bench_tool
