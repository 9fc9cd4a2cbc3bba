#pragma once
// The dynamic batcher of `frugal serve`: rows (QA windows, texts) from many requests wait in
// one queue; each inference worker takes the oldest row and every queued row of the same
// padded length, up to a token budget (TEI's --max-batch-tokens) and a row count, optionally
// waiting up to max_wait for the batch to fill (Triton's max_queue_delay). Queued rows are
// shared among the idle workers (a worker takes its share, not all): on CPU, where each worker
// is one core, one worker taking every row would leave the others idle. Rows of one batch
// share one padded length, so a batch is (rows, length) and its forward decides nothing a row
// alone would not (the forward must be batch-invariant; see nn/linear_torch.h). Torch-free:
// the forward is a callback.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace frugal::serve {

class ServerMetrics;

struct BatchRow {
  std::vector<std::int32_t> ids, type_ids;
  std::size_t length = 0;  // the padded length of the batch it may join
  std::vector<std::int32_t> lexical_match;  // QA: per token (tasks/qa/lexical_match.h); may be empty
};

// One request's rows and, once done, their outputs.
class BatchJob {
 public:
  explicit BatchJob(std::vector<BatchRow> rows);
  const std::vector<BatchRow>& rows() const { return rows_; }
  // Blocks until every row ran (true), the job failed (true, error() not empty) or timeout.
  bool wait_for(std::chrono::milliseconds timeout);
  // Queued rows of a cancelled job are dropped; a running batch's results are discarded.
  void cancel();
  bool cancelled() const;
  const std::vector<std::vector<float>>& outputs() const { return outputs_; }
  const std::string& error() const { return error_; }

 private:
  friend class DynamicBatcher;
  void finish_row(std::size_t row, std::vector<float> output);
  void fail(const std::string& message);

  std::vector<BatchRow> rows_;
  std::vector<std::vector<float>> outputs_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::size_t remaining_;
  bool cancelled_ = false;
  std::string error_;
};

struct BatcherOptions {
  std::size_t max_batch_tokens = 16384;  // rows x padded length per forward (one row always fits)
  std::size_t max_batch_size = 0;        // rows per forward; 0: no limit but the tokens
  std::chrono::microseconds max_wait{0};  // how long the oldest row may wait for more
  int workers = 1;
};

// rows: one batch's rows, all of padded length `length`; returns one output per row.
using BatchForward = std::function<std::vector<std::vector<float>>(const std::vector<const BatchRow*>& rows, std::size_t length)>;

class DynamicBatcher {
 public:
  DynamicBatcher(BatcherOptions options, BatchForward forward, ServerMetrics* metrics = nullptr);
  ~DynamicBatcher();  // stop()
  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  void submit(const std::shared_ptr<BatchJob>& job);
  std::size_t queued_rows() const;
  // Runs what is queued, then joins the workers; submit() afterwards fails the job.
  void stop();

 private:
  struct Entry {
    std::shared_ptr<BatchJob> job;
    std::size_t row = 0;
    std::chrono::steady_clock::time_point enqueued;
  };
  void work();
  // Takes the next batch from the queue (lock held); empty when it should wait until `wake`.
  std::vector<Entry> take_batch(std::chrono::steady_clock::time_point& wake);

  BatcherOptions options_;
  BatchForward forward_;
  ServerMetrics* metrics_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Entry> queue_;
  bool stopping_ = false;
  std::size_t busy_ = 0;  // workers running a forward
  std::vector<std::thread> workers_;
};

}  // namespace frugal::serve
