#include "apps/serve/dynamic_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "apps/serve/server_metrics.h"

namespace frugal::serve {
namespace {

BatchRow row(std::int32_t id, std::size_t length) { return {{id}, {0}, length}; }

// A forward that records each batch (its rows' ids and length) and returns each row's id.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<std::vector<std::int32_t>, std::size_t>> batches;
  BatchForward forward() {
    return [this](const std::vector<const BatchRow*>& rows, std::size_t length) {
      std::vector<std::vector<float>> out;
      std::vector<std::int32_t> ids;
      for (const auto* r : rows) {
        ids.push_back(r->ids[0]);
        out.push_back({static_cast<float>(r->ids[0]), static_cast<float>(length)});
      }
      std::lock_guard<std::mutex> lock(mutex);
      batches.emplace_back(ids, length);
      return out;
    };
  }
};

}  // namespace

TEST(DynamicBatcher, EveryRowGetsItsOwnOutput) {
  Recorder recorder;
  DynamicBatcher batcher({1024, 0, std::chrono::microseconds(0), 2}, recorder.forward());
  std::vector<std::shared_ptr<BatchJob>> jobs;
  for (int j = 0; j < 20; ++j) {
    std::vector<BatchRow> rows;
    for (int r = 0; r < 3; ++r) rows.push_back(row(j * 10 + r, r == 1 ? 64 : 32));
    jobs.push_back(std::make_shared<BatchJob>(std::move(rows)));
    batcher.submit(jobs.back());
  }
  for (int j = 0; j < 20; ++j) {
    ASSERT_TRUE(jobs[j]->wait_for(std::chrono::seconds(10)));
    EXPECT_TRUE(jobs[j]->error().empty());
    for (int r = 0; r < 3; ++r) {
      EXPECT_EQ(jobs[j]->outputs()[r][0], static_cast<float>(j * 10 + r));
      EXPECT_EQ(jobs[j]->outputs()[r][1], r == 1 ? 64.0f : 32.0f);  // ran at its own padded length
    }
  }
}

TEST(DynamicBatcher, BatchesShareOneLengthAndKeepTheTokenBudget) {
  Recorder recorder;
  // One worker held back by a first slow batch, so the queue fills while it runs.
  std::atomic<bool> release{false};
  auto slow = [&](const std::vector<const BatchRow*>& rows, std::size_t length) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return recorder.forward()(rows, length);
  };
  DynamicBatcher batcher({256, 0, std::chrono::microseconds(0), 1}, slow);
  std::vector<std::shared_ptr<BatchJob>> jobs;
  jobs.push_back(std::make_shared<BatchJob>(std::vector<BatchRow>{row(0, 64)}));
  batcher.submit(jobs.back());
  while (batcher.queued_rows() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = 1; i <= 12; ++i) {
    jobs.push_back(std::make_shared<BatchJob>(std::vector<BatchRow>{row(i, i % 2 ? 64 : 32)}));
    batcher.submit(jobs.back());
  }
  release = true;
  for (auto& j : jobs) ASSERT_TRUE(j->wait_for(std::chrono::seconds(10)));
  std::size_t rows = 0;
  for (const auto& [ids, length] : recorder.batches) {
    EXPECT_LE(ids.size() * length, 256u);
    for (const auto id : ids) EXPECT_EQ(id % 2 ? 64u : (id == 0 ? 64u : 32u), length);
    for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);  // arrival order
    rows += ids.size();
  }
  EXPECT_EQ(rows, 13u);
  // After the first: 6 rows of 64 in batches of 4 (256 tokens), 6 of 32 in one batch of 6.
  EXPECT_EQ(recorder.batches.size(), 4u);
}

TEST(DynamicBatcher, MaxBatchSizeOneRunsRowsAlone) {
  Recorder recorder;
  DynamicBatcher batcher({1 << 20, 1, std::chrono::microseconds(0), 1}, recorder.forward());
  auto job = std::make_shared<BatchJob>(std::vector<BatchRow>{row(1, 8), row(2, 8), row(3, 8)});
  batcher.submit(job);
  ASSERT_TRUE(job->wait_for(std::chrono::seconds(10)));
  for (const auto& b : recorder.batches) EXPECT_EQ(b.first.size(), 1u);
  EXPECT_EQ(recorder.batches.size(), 3u);
}

TEST(DynamicBatcher, MaxWaitLetsABatchFill) {
  Recorder recorder;
  DynamicBatcher batcher({1 << 20, 4, std::chrono::milliseconds(2000), 1}, recorder.forward());
  std::vector<std::shared_ptr<BatchJob>> jobs;
  for (int i = 0; i < 4; ++i) {
    jobs.push_back(std::make_shared<BatchJob>(std::vector<BatchRow>{row(i, 16)}));
    batcher.submit(jobs.back());
  }
  for (auto& j : jobs) ASSERT_TRUE(j->wait_for(std::chrono::seconds(10)));
  // The fourth row arrived long before the 2 s wait ended, and a full batch runs at once.
  ASSERT_EQ(recorder.batches.size(), 1u);
  EXPECT_EQ(recorder.batches[0].first.size(), 4u);
}

TEST(DynamicBatcher, CancelledRowsAreDroppedAndFailuresReported) {
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  auto forward = [&](const std::vector<const BatchRow*>& rows, std::size_t) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ran += static_cast<int>(rows.size());
    if (rows[0]->ids[0] == 99) throw std::runtime_error("boom");
    return std::vector<std::vector<float>>(rows.size(), std::vector<float>{1});
  };
  ServerMetrics metrics;
  DynamicBatcher batcher({1 << 20, 1, std::chrono::microseconds(0), 1}, forward, &metrics);
  auto first = std::make_shared<BatchJob>(std::vector<BatchRow>{row(1, 8)});
  batcher.submit(first);
  while (batcher.queued_rows() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto abandoned = std::make_shared<BatchJob>(std::vector<BatchRow>{row(2, 8), row(3, 8)});
  batcher.submit(abandoned);
  EXPECT_FALSE(abandoned->wait_for(std::chrono::milliseconds(20)));  // a timeout...
  abandoned->cancel();                                                // ...frees its rows
  auto failing = std::make_shared<BatchJob>(std::vector<BatchRow>{row(99, 8)});
  batcher.submit(failing);
  release = true;
  ASSERT_TRUE(failing->wait_for(std::chrono::seconds(10)));
  EXPECT_EQ(failing->error(), "boom");
  ASSERT_TRUE(first->wait_for(std::chrono::seconds(10)));
  EXPECT_EQ(ran.load(), 2);  // the first and the failing row; the cancelled two never ran
  EXPECT_EQ(metrics.queue_size.load(), 0);
  batcher.stop();
  auto late = std::make_shared<BatchJob>(std::vector<BatchRow>{row(5, 8)});
  batcher.submit(late);
  ASSERT_TRUE(late->wait_for(std::chrono::milliseconds(100)));
  EXPECT_FALSE(late->error().empty());
}

}  // namespace frugal::serve

namespace frugal::serve {

TEST(DynamicBatcher, QueuedRowsAreSharedAmongIdleWorkers) {
  // 8 rows of one length queued at once, 2 workers: each takes 4 (one taking all 8 would leave a
  // core idle). The forward holds each batch until two are in flight (or 2 s), so the split is
  // what the batcher decided, not what thread scheduling happened to allow.
  std::mutex mutex;
  std::condition_variable both;
  int in_flight = 0;
  std::vector<std::size_t> sizes;
  const BatchForward forward = [&](const std::vector<const BatchRow*>& rows, std::size_t) {
    std::unique_lock<std::mutex> lock(mutex);
    sizes.push_back(rows.size());
    ++in_flight;
    both.notify_all();
    both.wait_for(lock, std::chrono::seconds(2), [&] { return in_flight >= 2; });
    return std::vector<std::vector<float>>(rows.size(), std::vector<float>{0});
  };
  DynamicBatcher batcher({1 << 20, 0, std::chrono::microseconds(0), 2}, forward);
  std::vector<BatchRow> rows;
  for (int r = 0; r < 8; ++r) rows.push_back({{r}, {0}, 16});
  auto job = std::make_shared<BatchJob>(std::move(rows));
  batcher.submit(job);
  ASSERT_TRUE(job->wait_for(std::chrono::seconds(10)));
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4}));
}

}  // namespace frugal::serve
