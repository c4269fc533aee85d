// Threads that share the AEAD work of a batch with the event-loop thread (core::Parallel). The
// caller takes part and run() returns when every job is done, so packets leave in the order the
// engine gave them: per-peer order is kept without any reordering queue.
//
// One pool serves the whole process: whoever owns the devices (main, or the service's
// TunnelDeps) makes it and hands every Device a reference, so N tunnels share one set of
// threads. run() is safe to call from several threads at once: one caller's batch has the
// workers at a time, and a caller that finds them busy runs its batch on its own thread rather
// than wait (its loop thread is then no slower than with a pool of its own and no workers).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/core/engine.hpp"

namespace tulle::daemon {

class WorkerPool final : public core::Parallel {
  public:
    // Batches smaller than this run on the calling thread: waking a worker costs more.
    static constexpr std::size_t kMinParallelJobs = 8;

    // `workers` extra threads; 0 makes run() serial.
    explicit WorkerPool(unsigned workers);
    ~WorkerPool() override;
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Any thread; see above for several at once. Not from inside a job.
    void run(std::size_t count, const std::function<void(std::size_t)>& job) override;
    [[nodiscard]] std::size_t workers() const { return threads_.size(); }

    // Threads for a machine: one less than its cores (the event loop is the other), at most 7.
    [[nodiscard]] static unsigned default_workers();

  private:
    void worker_loop();
    // Takes jobs of the current round until none are left; returns how many it ran.
    std::size_t take_jobs(const std::function<void(std::size_t)>& job, std::size_t count);

    std::mutex turn_;  // held by the caller whose batch the workers share
    std::mutex mutex_;
    std::condition_variable wake_;      // workers wait here for a round
    std::condition_variable finished_;  // run() waits here for the round to end
    const std::function<void(std::size_t)>* job_ = nullptr;  // guarded by mutex_
    std::size_t count_ = 0;                                  // guarded by mutex_
    std::size_t done_ = 0;                                   // guarded by mutex_
    unsigned busy_ = 0;                 // workers inside the round, guarded by mutex_
    std::uint64_t round_ = 0;           // guarded by mutex_
    bool stopping_ = false;             // guarded by mutex_
    std::atomic<std::size_t> next_{0};  // the next job index of the round
    std::vector<std::thread> threads_;
};

}  // namespace tulle::daemon
