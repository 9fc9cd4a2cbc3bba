#include "apps/serve/dynamic_batcher.h"

#include <algorithm>
#include <exception>

#include "apps/serve/server_metrics.h"

namespace frugal::serve {

using Clock = std::chrono::steady_clock;

BatchJob::BatchJob(std::vector<BatchRow> rows) : rows_(std::move(rows)), outputs_(rows_.size()), remaining_(rows_.size()) {}

bool BatchJob::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return done_.wait_for(lock, timeout, [this] { return remaining_ == 0 || !error_.empty(); });
}

void BatchJob::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
}

bool BatchJob::cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

void BatchJob::finish_row(std::size_t row, std::vector<float> output) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_ || remaining_ == 0) return;
  outputs_[row] = std::move(output);
  if (--remaining_ == 0) done_.notify_all();
}

void BatchJob::fail(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.empty()) error_ = message.empty() ? "inference failed" : message;
  done_.notify_all();
}

DynamicBatcher::DynamicBatcher(BatcherOptions options, BatchForward forward, ServerMetrics* metrics)
    : options_(options), forward_(std::move(forward)), metrics_(metrics) {
  for (int w = 0; w < std::max(1, options_.workers); ++w) workers_.emplace_back([this] { work(); });
}

DynamicBatcher::~DynamicBatcher() { stop(); }

void DynamicBatcher::submit(const std::shared_ptr<BatchJob>& job) {
  if (job->rows().empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      job->fail("the server is shutting down");
      return;
    }
    const auto now = Clock::now();
    for (std::size_t r = 0; r < job->rows().size(); ++r) queue_.push_back({job, r, now});
    if (metrics_ != nullptr) metrics_->queue_size += static_cast<std::int64_t>(job->rows().size());
  }
  queued_.notify_all();
}

std::size_t DynamicBatcher::queued_rows() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void DynamicBatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
}

std::vector<DynamicBatcher::Entry> DynamicBatcher::take_batch(Clock::time_point& wake) {
  // Rows of cancelled jobs leave the queue unrun.
  std::size_t dropped = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->job->cancelled()) {
      it = queue_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  if (metrics_ != nullptr) metrics_->queue_size -= static_cast<std::int64_t>(dropped);
  if (queue_.empty()) return {};
  const auto length = queue_.front().job->rows()[queue_.front().row].length;
  const auto cost = std::max<std::size_t>(1, length);
  std::size_t fits = std::max<std::size_t>(1, options_.max_batch_tokens / cost);
  if (options_.max_batch_size > 0) fits = std::min(fits, options_.max_batch_size);
  std::vector<std::size_t> chosen;
  for (std::size_t i = 0; i < queue_.size() && chosen.size() < fits; ++i) {
    if (queue_[i].job->rows()[queue_[i].row].length == length) chosen.push_back(i);
  }
  if (chosen.size() < fits && options_.max_wait.count() > 0 && !stopping_) {
    const auto deadline = queue_.front().enqueued + options_.max_wait;
    if (Clock::now() < deadline) {
      wake = deadline;
      return {};
    }
  }
  // This worker's share of the rows that could go together; the other idle workers take the rest.
  const std::size_t idle = std::max<std::size_t>(1, static_cast<std::size_t>(std::max(options_.workers, 1)) - busy_);
  chosen.resize(std::min(chosen.size(), (chosen.size() + idle - 1) / idle));
  std::vector<Entry> batch;
  for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {
    batch.push_back(std::move(queue_[*it]));
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(*it));
  }
  std::reverse(batch.begin(), batch.end());  // arrival order
  if (metrics_ != nullptr) metrics_->queue_size -= static_cast<std::int64_t>(batch.size());
  return batch;
}

void DynamicBatcher::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) return;
      queued_.wait(lock);
      continue;
    }
    auto wake = Clock::time_point::max();
    auto batch = take_batch(wake);
    if (batch.empty()) {
      if (wake != Clock::time_point::max()) queued_.wait_until(lock, wake);
      continue;
    }
    ++busy_;
    if (!queue_.empty()) queued_.notify_one();
    lock.unlock();
    const auto started = Clock::now();
    std::vector<const BatchRow*> rows;
    for (const auto& e : batch) {
      rows.push_back(&e.job->rows()[e.row]);
      if (metrics_ != nullptr) metrics_->queue_duration.observe(std::chrono::duration<double>(started - e.enqueued).count());
    }
    const auto length = rows.front()->length;
    try {
      auto outputs = forward_(rows, length);
      if (outputs.size() != batch.size()) throw std::runtime_error("the forward returned a wrong number of rows");
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].job->finish_row(batch[i].row, std::move(outputs[i]));
    } catch (const std::exception& e) {
      for (auto& entry : batch) entry.job->fail(e.what());
    }
    if (metrics_ != nullptr) {
      metrics_->inference_duration.observe(std::chrono::duration<double>(Clock::now() - started).count());
      metrics_->batch_size.observe(static_cast<double>(batch.size()));
      metrics_->batch_tokens.observe(static_cast<double>(batch.size() * length));
    }
    batch.clear();
    lock.lock();
    --busy_;
  }
}

}  // namespace frugal::serve
