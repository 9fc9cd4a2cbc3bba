#pragma once
// What `frugal serve` exposes at GET /metrics, in Prometheus' text format (version 0.0.4):
// requests by route and status, the queue, batch sizes and latency histograms for each step
// (queue, tokenization, inference, whole request). Names follow TEI's (te_request_count,
// te_queue_size, te_batch_next_size, ...) with frugal's prefix. Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace frugal::serve {

class Histogram {
 public:
  Histogram(std::string name, std::string help, std::vector<double> bounds);
  void observe(double value);
  std::uint64_t count() const;
  // "# HELP", "# TYPE", cumulative _bucket{le=...} lines, _sum and _count.
  void append_prometheus(std::string& out) const;

 private:
  std::string name_, help_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // per bucket (not cumulative), last = +Inf
  double sum_ = 0;
  std::uint64_t total_ = 0;
};

// Latency buckets in seconds: 0.5 ms .. 60 s.
std::vector<double> latency_buckets();
// Sizes 1, 2, 4, ... up to at least `largest`.
std::vector<double> power_of_two_buckets(double largest);

class ServerMetrics {
 public:
  explicit ServerMetrics(double largest_batch_tokens = 16384);
  void count_request(const std::string& route, int status);
  std::uint64_t requests(const std::string& route, int status) const;
  std::string prometheus() const;

  std::atomic<std::int64_t> queue_size{0};  // rows waiting for a batch
  std::atomic<std::int64_t> in_flight{0};   // requests being handled
  Histogram request_duration, queue_duration, tokenization_duration, inference_duration, batch_size, batch_tokens;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
};

}  // namespace frugal::serve
