#pragma once
/// The worker threads: one io_context per worker, one thread each. A connection lives on one
/// worker for its whole life, so session code needs no locks; other threads reach a worker only
/// by posting to it.
/// Affinity: construct, start and stop from the main thread; `post`/`context` from any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace runnel::net {

class runtime {
public:
    static constexpr std::size_t no_worker = static_cast<std::size_t>(-1);

    /// `workers` = 0 means one per core.
    explicit runtime(std::size_t workers);
    ~runtime();
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    std::size_t size() const noexcept { return contexts_.size(); }
    boost::asio::io_context& context(std::size_t worker) { return *contexts_[worker]; }
    /// Round-robin choice for a new connection.
    std::size_t next() noexcept { return next_.fetch_add(1, std::memory_order_relaxed) % size(); }
    /// The worker whose thread is calling, or no_worker.
    static std::size_t current() noexcept;

    void post(std::size_t worker, std::function<void()> fn);
    void start();
    /// Lets each worker finish its work (including pending timers), then joins the threads.
    void stop();
    /// Stops every worker at once, abandoning pending work (timers, idle sessions), then joins.
    void halt();

private:
    using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<guard> guards_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

} // namespace runnel::net
