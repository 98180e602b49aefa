#include "runnel/net/runtime.hpp"

#include "runnel/obs/log.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>
#include <string>

namespace runnel::net {
namespace {
thread_local std::size_t this_worker = runtime::no_worker;
}

runtime::runtime(std::size_t workers) {
    if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < workers; ++i) {
        // Concurrency hint 1: each context is run by exactly one thread, so Asio skips locking.
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

runtime::~runtime() { stop(); }

std::size_t runtime::current() noexcept { return this_worker; }

void runtime::post(std::size_t worker, std::function<void()> fn) {
    boost::asio::post(*contexts_[worker], std::move(fn));
}

void runtime::start() {
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        threads_.emplace_back([this, i] {
            this_worker = i;
            auto name = "runnel-w" + std::to_string(i);
            pthread_setname_np(pthread_self(), name.c_str());
            for (;;) {
                try {
                    contexts_[i]->run();
                    break;
                } catch (const std::exception& e) {
                    // A handler let an exception escape: log it and keep the worker alive.
                    RUNNEL_LOG_ERROR(obs::net_log(), "worker={} escaped exception: {}", i, e.what());
                }
            }
        });
    }
}

void runtime::halt() {
    for (auto& c : contexts_) c->stop();
    stop();
}

void runtime::stop() {
    for (auto& g : guards_) g.reset();
    guards_.clear();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

} // namespace runnel::net
