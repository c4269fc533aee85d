#include "daemon/worker_pool.hpp"

#include <algorithm>

namespace tulle::daemon {

WorkerPool::WorkerPool(unsigned workers) {
    threads_.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) {
        threads_.emplace_back([this] { worker_loop(); });
    }
}

WorkerPool::~WorkerPool() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) {
        thread.join();
    }
}

unsigned WorkerPool::default_workers() {
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    return std::min(cores - 1, 7U);
}

std::size_t WorkerPool::take_jobs(const std::function<void(std::size_t)>& job, std::size_t count) {
    std::size_t ran = 0;
    for (std::size_t i = next_.fetch_add(1); i < count; i = next_.fetch_add(1)) {
        job(i);
        ++ran;
    }
    return ran;
}

void WorkerPool::run(std::size_t count, const std::function<void(std::size_t)>& job) {
    // The round state below is for one batch at a time; a second caller does its own work.
    std::unique_lock turn(turn_, std::defer_lock);
    if (threads_.empty() || count < kMinParallelJobs || !turn.try_lock()) {
        for (std::size_t i = 0; i < count; ++i) {
            job(i);
        }
        return;
    }
    {
        const std::lock_guard lock(mutex_);
        job_ = &job;
        count_ = count;
        done_ = 0;
        next_.store(0);
        ++round_;
    }
    wake_.notify_all();
    const std::size_t ran = take_jobs(job, count);
    std::unique_lock lock(mutex_);
    done_ += ran;
    // Every job done, and no worker still inside this round (one may have taken no job yet
    // holds the round's job pointer).
    finished_.wait(lock, [&] { return done_ == count_ && busy_ == 0; });
    job_ = nullptr;
}

void WorkerPool::worker_loop() {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || (round_ != seen && job_ != nullptr); });
        if (stopping_) {
            return;
        }
        seen = round_;
        const auto* job = job_;
        const std::size_t count = count_;
        ++busy_;
        lock.unlock();
        const std::size_t ran = take_jobs(*job, count);
        lock.lock();
        done_ += ran;
        --busy_;
        if (done_ == count_ && busy_ == 0) {
            finished_.notify_one();
        }
    }
}

}  // namespace tulle::daemon
