#include "runnel/bench_tool/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace runnel::bench_tool {

std::size_t latency_histogram::bucket_of(std::uint64_t value) noexcept {
    if (value < sub_count) return static_cast<std::size_t>(value);
    auto msb = static_cast<unsigned>(63 - __builtin_clzll(value)); // >= sub_bits
    auto shift = msb - sub_bits;
    auto sub = static_cast<std::size_t>((value >> shift) - sub_count); // 0..sub_count-1
    return sub_count + shift * sub_count + sub;
}

std::uint64_t latency_histogram::upper_bound(std::size_t i) noexcept {
    if (i < sub_count) return i;
    auto shift = (i - sub_count) / sub_count;
    auto sub = (i - sub_count) % sub_count;
    std::uint64_t base = sub_count + sub + 1; // the next bucket's lower bound is base << shift
    if (shift > 0 && (base >> (64 - shift)) != 0) return UINT64_MAX;
    return (base << shift) - 1;
}

void latency_histogram::record(std::uint64_t value) noexcept {
    ++buckets_[bucket_of(value)];
    ++count_;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::percentile(double q) const noexcept {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::clamp(upper_bound(i), min(), max_);
    }
    return max_;
}

} // namespace runnel::bench_tool
