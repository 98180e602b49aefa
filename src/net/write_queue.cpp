#include "runnel/net/write_queue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace runnel::net {
namespace asio = boost::asio;

namespace {
// Upper bound on buffers in one gather write (IOV_MAX is 1024 on Linux).
constexpr std::size_t max_batch = 512;
// Batch vectors above this capacity are released when the queue runs empty.
constexpr std::size_t small_batch = 16;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
} // namespace

write_queue::write_queue(asio::any_io_executor ex, queue_limits lim)
    : limits_(lim), wake_writer_(ex, asio::steady_timer::time_point::max()),
      wake_reader_(ex, asio::steady_timer::time_point::max()) {}

write_queue::push_result write_queue::push(std::string frame, bool droppable) {
    if (closed_) return push_result::dropped;
    bool over_max = bytes_ + frame.size() > limits_.max;
    if (over_max && droppable) return push_result::dropped;
    bytes_ += frame.size();
    frames_.push_back(std::move(frame));
    if (frames_.size() == 1) wake_writer_.cancel();
    if (over_max) return push_result::overflow;
    return above_high() ? push_result::above_high_watermark : push_result::ok;
}

asio::awaitable<boost::system::error_code> write_queue::drain(transport& out, std::size_t frames_per_write) {
    std::vector<std::string> batch;
    std::vector<asio::const_buffer> bufs;
    for (;;) {
        if (frames_.empty()) {
            if (closed_) co_return boost::system::error_code{};
            // Going idle: hand back what a burst grew.
            if (batch.capacity() > small_batch) std::vector<std::string>().swap(batch), std::vector<asio::const_buffer>().swap(bufs);
            if (frames_.capacity() > small_batch) std::vector<std::string>().swap(frames_);
            wake_writer_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_writer_.async_wait(use_tuple);
            continue;
        }
        // Move frames out so producers can keep pushing while the write is in flight.
        batch.clear();
        bufs.clear();
        const auto limit = std::min(max_batch, frames_per_write);
        if (frames_.size() <= limit) {
            batch.swap(frames_);
        } else {
            auto end = frames_.begin() + static_cast<std::ptrdiff_t>(limit);
            batch.assign(std::make_move_iterator(frames_.begin()), std::make_move_iterator(end));
            frames_.erase(frames_.begin(), end);
        }
        for (const auto& f : batch) bufs.emplace_back(f.data(), f.size());
        auto r = co_await out.write(bufs);
        for (const auto& f : batch) bytes_ -= f.size();
        if (bytes_ < limits_.low) wake_reader_.cancel();
        if (r.ec) {
            closed_ = true;
            wake_reader_.cancel();
            co_return r.ec;
        }
    }
}

asio::awaitable<void> write_queue::wait_writable() {
    while (!closed_ && bytes_ >= limits_.low) {
        wake_reader_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_reader_.async_wait(use_tuple);
    }
}

void write_queue::close() {
    closed_ = true;
    wake_writer_.cancel();
    wake_reader_.cancel();
}

} // namespace runnel::net
