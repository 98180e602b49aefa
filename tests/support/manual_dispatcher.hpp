#pragma once
// broker::dispatcher for unit tests: per-worker FIFO queues run by hand, a fake clock for
// post_after. Deterministic: no threads, no sleeps.
#include "runnel/broker/dispatcher.hpp"

#include <deque>
#include <map>
#include <vector>

namespace runnel::test {

class manual_dispatcher final : public broker::dispatcher {
public:
    explicit manual_dispatcher(std::size_t workers) : queues_(workers) {}
    std::size_t workers() const override { return queues_.size(); }
    void post(broker::worker_id w, std::function<void()> fn) override { queues_.at(w).push_back(std::move(fn)); }
    void post_after(broker::worker_id w, std::chrono::milliseconds after, std::function<void()> fn) override {
        timers_.emplace(now_ + after, std::make_pair(w, std::move(fn)));
    }
    broker::worker_id current() const override { return current_; }
    std::chrono::steady_clock::time_point now() const override { return now_; }

    /// Runs `fn` as if on worker `w`, then everything it posted, until all queues are empty.
    void on(broker::worker_id w, const std::function<void()>& fn) {
        start(w, fn);
        drain();
    }
    /// Runs `fn` as if on worker `w` and leaves what it posted queued (interleavings).
    void start(broker::worker_id w, const std::function<void()>& fn) {
        current_ = w;
        fn();
        current_ = static_cast<broker::worker_id>(queues_.size());
    }
    void drain() {
        for (bool any = true; any;) {
            any = false;
            for (broker::worker_id w = 0; w < queues_.size(); ++w) {
                while (!queues_[w].empty()) {
                    auto fn = std::move(queues_[w].front());
                    queues_[w].pop_front();
                    current_ = w;
                    fn();
                    any = true;
                }
            }
        }
        current_ = static_cast<broker::worker_id>(queues_.size());
    }
    /// Runs the oldest handler queued on `w` (if any), leaving the rest queued.
    void step(broker::worker_id w) {
        if (queues_.at(w).empty()) return;
        auto fn = std::move(queues_[w].front());
        queues_[w].pop_front();
        current_ = w;
        fn();
        current_ = static_cast<broker::worker_id>(queues_.size());
    }
    /// Moves the fake clock forward, firing due timers in order.
    void advance(std::chrono::milliseconds d) {
        auto until = now_ + d;
        while (!timers_.empty() && timers_.begin()->first <= until) {
            auto it = timers_.begin();
            now_ = it->first;
            auto [w, fn] = std::move(it->second);
            timers_.erase(it);
            post(w, std::move(fn));
            drain();
        }
        now_ = until;
    }

private:
    std::vector<std::deque<std::function<void()>>> queues_;
    std::multimap<std::chrono::steady_clock::time_point, std::pair<broker::worker_id, std::function<void()>>> timers_;
    std::chrono::steady_clock::time_point now_{};
    broker::worker_id current_ = 0;
};

} // namespace runnel::test
