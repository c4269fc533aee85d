#include "daemon/worker_pool.hpp"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::daemon {
namespace {

TEST(WorkerPool, RunsEveryJobExactlyOnceAndReturnsWhenAllAreDone) {
    WorkerPool pool(3);
    for (std::size_t count : {0U, 1U, 7U, 8U, 64U, 1000U}) {
        std::vector<std::atomic<int>> hits(count);
        pool.run(count, [&](std::size_t i) { hits[i].fetch_add(1); });
        for (std::size_t i = 0; i < count; ++i) {
            ASSERT_EQ(hits[i].load(), 1) << "job " << i << " of " << count;
        }
    }
}

TEST(WorkerPool, LargeBatchesReallyUseOtherThreads) {
    WorkerPool pool(1);
    std::mutex mutex;
    std::set<std::thread::id> seen;
    for (int round = 0; round < 200 && seen.size() < 2; ++round) {
        pool.run(64, [&](std::size_t) {
            std::this_thread::sleep_for(std::chrono::microseconds{20});
            const std::lock_guard lock(mutex);
            seen.insert(std::this_thread::get_id());
        });
    }
    EXPECT_EQ(seen.size(), 2U);
}

TEST(WorkerPool, SmallBatchesStayOnTheCallingThread) {
    WorkerPool pool(2);
    std::set<std::thread::id> seen;
    pool.run(WorkerPool::kMinParallelJobs - 1,
             [&](std::size_t) { seen.insert(std::this_thread::get_id()); });
    EXPECT_EQ(seen, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(WorkerPool, ManyRoundsBackToBack) {
    WorkerPool pool(2);
    std::atomic<std::size_t> total{0};
    for (int round = 0; round < 2000; ++round) {
        pool.run(16, [&](std::size_t) { total.fetch_add(1); });
    }
    EXPECT_EQ(total.load(), 2000U * 16U);
}

// Several devices' loops may share one pool from different threads: every batch still runs
// each of its jobs exactly once and run() returns only when its own batch is done.
TEST(WorkerPool, SeveralCallersAtOnceEachGetTheirWholeBatchDone) {
    WorkerPool pool(2);
    constexpr int kCallers = 4;
    constexpr int kRounds = 300;
    std::atomic<int> wrong{0};
    std::vector<std::thread> callers;
    for (int c = 0; c < kCallers; ++c) {
        callers.emplace_back([&pool, &wrong, c] {
            for (int round = 0; round < kRounds; ++round) {
                const std::size_t count = 8 + static_cast<std::size_t>((c * 7 + round) % 60);
                std::vector<std::atomic<int>> hits(count);
                pool.run(count, [&](std::size_t i) { hits[i].fetch_add(1); });
                for (const auto& hit : hits) {
                    if (hit.load() != 1) {
                        wrong.fetch_add(1);
                    }
                }
            }
        });
    }
    for (auto& caller : callers) {
        caller.join();
    }
    EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tulle::daemon
