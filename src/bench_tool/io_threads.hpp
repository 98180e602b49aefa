#pragma once
/// The load generator's I/O threads: one io_context per thread, clients spread round-robin.
/// run() drives a coordinator coroutine on context 0 (the calling thread) while the other
/// contexts run on their own threads, then waits for the clients' coroutines to wind down
/// (bounded) and joins.
/// Affinity: construct and run() from one thread; context(i) is handed to clients before run().
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace runnel::bench_tool {

class io_threads {
public:
    explicit io_threads(unsigned threads);
    ~io_threads();
    io_threads(const io_threads&) = delete;
    io_threads& operator=(const io_threads&) = delete;

    std::size_t size() const noexcept { return contexts_.size(); }
    boost::asio::io_context& context(std::size_t i) { return *contexts_[i % contexts_.size()]; }
    boost::asio::io_context& coordinator() { return *contexts_[0]; }

    /// Runs `main` on context 0 until it completes. Afterwards the contexts get `grace` to run
    /// out of work (clients closed by `main` finish their coroutines), then are stopped.
    /// Rethrows what `main` threw.
    void run(boost::asio::awaitable<void> main, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

private:
    using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<guard> guards_;
};

} // namespace runnel::bench_tool
