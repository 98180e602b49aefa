#pragma once
/// A few threads running queued tasks in FIFO order (the log's readers).
/// Affinity: post/stop from any thread. stop() runs what was queued, then joins.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace runnel::store {

class task_pool {
public:
    explicit task_pool(unsigned threads);
    ~task_pool();
    /// False once stopped (the task did not run).
    bool post(std::function<void()> task);
    void stop();

private:
    void run();
    std::mutex mutex_; // guards tasks_, stopping_
    std::condition_variable cv_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace runnel::store
