#include "runnel/limits/token_bucket.hpp"

#include <algorithm>

namespace runnel::limits {

token_bucket::token_bucket(std::uint32_t rate, std::uint32_t burst, clock::time_point now) noexcept
    : next_(now) {
    if (rate == 0) return;
    interval_ = std::chrono::nanoseconds(std::chrono::seconds(1)) / rate;
    if (interval_.count() == 0) interval_ = std::chrono::nanoseconds(1);
    const std::uint32_t b = burst == 0 ? rate : burst;
    tolerance_ = interval_ * (b - 1);
}

bool token_bucket::try_take(clock::time_point now) noexcept {
    if (unlimited()) return true;
    const auto t = std::max(next_, now);
    if (t - now > tolerance_) return false;
    next_ = t + interval_;
    return true;
}

token_bucket::clock::duration token_bucket::wait(clock::time_point now) const noexcept {
    if (unlimited()) return clock::duration::zero();
    const auto t = std::max(next_, now);
    const auto excess = t - now - tolerance_;
    return std::max<clock::duration>(excess, clock::duration::zero());
}

} // namespace runnel::limits
