#pragma once
/// Prometheus metrics. A `registry` owns counters and gauges created at startup (their
/// addresses are stable), so hot paths keep a reference and pay one relaxed atomic add.
/// `render()` writes the text exposition format (version 0.0.4) for `/metrics`.
/// Affinity: counters and gauges are thread-safe; creating metrics is guarded by a mutex.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::obs {

class counter {
public:
    void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }
private:
    std::atomic<std::uint64_t> v_{0};
};

class gauge {
public:
    void add(std::int64_t n) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
    void sub(std::int64_t n) noexcept { v_.fetch_sub(n, std::memory_order_relaxed); }
    void set(std::int64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }
private:
    std::atomic<std::int64_t> v_{0};
};

class registry {
public:
    /// `labels` is the inner label text, e.g. `protocol="mqtt",reason="queue_full"`.
    counter& make_counter(std::string_view name, std::string_view help, std::string_view labels = {});
    gauge& make_gauge(std::string_view name, std::string_view help, std::string_view labels = {});
    /// A gauge computed at scrape time; `fn` must be thread-safe.
    void make_computed(std::string_view name, std::string_view help, std::function<double()> fn);
    std::string render() const;

private:
    enum class kind { counter, gauge };
    struct series {
        std::string name, help, labels;
        kind k;
        const counter* c = nullptr;
        const gauge* g = nullptr;
        std::function<double()> fn;
    };
    mutable std::mutex mutex_; // guards series_ and the deques' growth (values are atomics)
    std::vector<series> series_;
    std::deque<counter> counters_;
    std::deque<gauge> gauges_;
};

} // namespace runnel::obs
