#pragma once
/// Accounting shared between a publisher and the subscribers that receive its messages, which
/// may run on another thread: the end-to-end flow-control window and run-wide totals.
///
/// Window: a publisher adds one per expected delivery when it sends and each subscriber takes
/// one away when a message of that publisher arrives; the publisher sends only while the count
/// is under its limit. This bounds what sits in the broker's queues whatever the QoS, so "as
/// fast as possible" measures sustained throughput instead of filling the broker's buffers.
/// A subscriber wakes a blocked publisher by posting to its executor (once per block).
/// Affinity: atomics, safe from any thread; `wake` and `executor` are set before the run.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdint>
#include <functional>

namespace runnel::bench_tool {

struct publisher_flow {
    std::atomic<std::int64_t> outstanding{0}; // deliveries sent and not yet seen by a subscriber
    std::atomic<bool> waiting{false};         // the publisher is (about to be) blocked on the window
    std::int64_t resume_at = 0;               // wake the publisher once outstanding is at most this
    boost::asio::any_io_executor executor;    // the publisher's
    std::function<void()> wake;               // runs on `executor`

    /// Called by a subscriber for each first arrival of one of this publisher's messages.
    void delivered() {
        auto left = outstanding.fetch_sub(1, std::memory_order_acq_rel) - 1;
        if (left <= resume_at && waiting.load(std::memory_order_acquire) && waiting.exchange(false)) {
            boost::asio::post(executor, wake);
        }
    }
};

/// Totals the run's coordinator polls while waiting for deliveries to drain.
struct run_totals {
    std::atomic<std::uint64_t> delivered{0}; // first arrivals, every subscriber
    std::atomic<std::uint64_t> unacked{0};   // QoS 1/2 publishes not yet acknowledged
};

} // namespace runnel::bench_tool
