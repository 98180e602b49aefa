#include "task_pool.hpp"

namespace runnel::store {

task_pool::task_pool(unsigned threads) {
    for (unsigned i = 0; i < std::max(threads, 1u); ++i) threads_.emplace_back([this] { run(); });
}

task_pool::~task_pool() { stop(); }

bool task_pool::post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
    cv_.notify_one();
    return true;
}

void task_pool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        cv_.notify_all();
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void task_pool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task();
    }
}

} // namespace runnel::store
