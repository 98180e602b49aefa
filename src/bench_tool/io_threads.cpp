#include "io_threads.hpp"

#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <thread>

namespace runnel::bench_tool {
namespace asio = boost::asio;

io_threads::io_threads(unsigned threads) {
    if (threads == 0) threads = 1;
    for (unsigned i = 0; i < threads; ++i) {
        contexts_.push_back(std::make_unique<asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

io_threads::~io_threads() = default;

void io_threads::run(asio::awaitable<void> main, std::chrono::milliseconds grace) {
    std::vector<std::thread> others;
    for (std::size_t i = 1; i < contexts_.size(); ++i) others.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
    bool done = false;
    std::exception_ptr failure;
    asio::co_spawn(*contexts_[0], std::move(main), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    while (!done) contexts_[0]->run_one();
    // Let the closed clients' coroutines end by themselves, but never wait forever.
    guards_.clear();
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (!contexts_[0]->stopped() && std::chrono::steady_clock::now() < deadline) {
        contexts_[0]->run_for(std::chrono::milliseconds(50));
    }
    for (auto& c : contexts_) {
        while (!c->stopped() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        c->stop();
    }
    for (auto& t : others) t.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace runnel::bench_tool
