#pragma once
/// How the broker reaches worker threads without knowing Asio: post a function to a worker, or
/// run it there after a delay. The server implements it over net::runtime; unit tests implement
/// it with a manual queue, so the broker's cross-worker logic is tested deterministically.
#include "runnel/broker/types.hpp"

#include <chrono>
#include <cstddef>
#include <functional>

namespace runnel::broker {

class dispatcher {
public:
    virtual ~dispatcher() = default;
    virtual std::size_t workers() const = 0;
    /// Runs `fn` on `w`, after everything posted to `w` earlier from the same thread (FIFO).
    virtual void post(worker_id w, std::function<void()> fn) = 0;
    /// Runs `fn` on `w` once `after` has passed. Not cancellable: callers check a generation.
    virtual void post_after(worker_id w, std::chrono::milliseconds after, std::function<void()> fn) = 0;
    /// The worker the calling thread runs, or workers() when it is not a worker.
    virtual worker_id current() const = 0;
    virtual std::chrono::steady_clock::time_point now() const { return std::chrono::steady_clock::now(); }
};

} // namespace runnel::broker
