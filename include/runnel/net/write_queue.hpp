#pragma once
/// The single writer of one connection. Producers `push()` encoded frames and never block;
/// `drain()` is the only caller of the transport's write and sends everything queued in one
/// gather write. Watermarks (Envoy): above `high` the reader stops reading until the queue is
/// back under `low`; a droppable frame (QoS 0 delivery) that would pass `max` is refused, any
/// other frame past `max` marks the connection a slow consumer.
/// Affinity: the connection's worker only.
#include "runnel/net/transport.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace runnel::net {

struct queue_limits {
    std::size_t low = 1u << 20;
    std::size_t high = 4u << 20;
    std::size_t max = 16u << 20;
};

class write_queue {
public:
    enum class push_result { ok, above_high_watermark, dropped, overflow };

    write_queue(boost::asio::any_io_executor ex, queue_limits lim);

    /// Queues `frame`. `droppable` frames are refused (dropped) when they would pass `max`;
    /// others are queued anyway and reported as overflow so the owner can cut the connection.
    push_result push(std::string frame, bool droppable = false);

    /// Writes until closed and empty, or until a write fails (returns that error). At most
    /// `frames_per_write` frames go into one transport write: 1 keeps message transports (a
    /// JSON WebSocket) at one frame per message; byte streams batch.
    boost::asio::awaitable<boost::system::error_code> drain(transport& out, std::size_t frames_per_write = 512);
    /// Resolves when the queue is under the low watermark (or closed).
    boost::asio::awaitable<void> wait_writable();
    /// No more pushes; drain() returns once what is queued has been written.
    void close();

    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t frames() const noexcept { return frames_.size(); }
    bool above_high() const noexcept { return bytes_ >= limits_.high; }
    bool closed() const noexcept { return closed_; }

private:
    queue_limits limits_;
    // A vector, not a deque: an empty std::deque allocates ~580 bytes up front, and most
    // connections are idle with an empty queue. drain() swaps the whole vector out.
    std::vector<std::string> frames_;
    std::size_t bytes_ = 0;
    bool closed_ = false;
    boost::asio::steady_timer wake_writer_;
    boost::asio::steady_timer wake_reader_;
};

} // namespace runnel::net
