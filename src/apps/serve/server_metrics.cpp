#include "apps/serve/server_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace frugal::serve {
namespace {

std::string number(double v) { return fmt::format("{}", v); }

}  // namespace

Histogram::Histogram(std::string name, std::string help, std::vector<double> bounds)
    : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  std::lock_guard<std::mutex> lock(mutex_);
  ++counts_[bucket];
  sum_ += value;
  ++total_;
}

std::uint64_t Histogram::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_;
}

void Histogram::append_prometheus(std::string& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name_, help_, name_);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name_, number(bounds_[i]), cumulative);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name_, total_, name_, number(sum_), name_, total_);
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::vector<double> power_of_two_buckets(double largest) {
  std::vector<double> b{1};
  while (b.back() < largest) b.push_back(b.back() * 2);
  return b;
}

ServerMetrics::ServerMetrics(double largest_batch_tokens)
    : request_duration("frugal_request_duration_seconds", "Time from a request's arrival to its response", latency_buckets()),
      queue_duration("frugal_queue_duration_seconds", "Time a row waited for its batch", latency_buckets()),
      tokenization_duration("frugal_tokenization_duration_seconds", "Time to tokenize a request's inputs", latency_buckets()),
      inference_duration("frugal_inference_duration_seconds", "Time of one batch's forward pass", latency_buckets()),
      batch_size("frugal_batch_size", "Rows (QA windows or texts) per forward pass", power_of_two_buckets(1024)),
      batch_tokens("frugal_batch_tokens", "Padded tokens per forward pass", power_of_two_buckets(largest_batch_tokens)) {}

void ServerMetrics::count_request(const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
}

std::uint64_t ServerMetrics::requests(const std::string& route, int status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = requests_.find({route, status});
  return it == requests_.end() ? 0 : it->second;
}

std::string ServerMetrics::prometheus() const {
  std::string out = "# HELP frugal_request_count Requests answered, by route and status\n# TYPE frugal_request_count counter\n";
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, n] : requests_) {
      out += fmt::format("frugal_request_count{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, n);
    }
  }
  out += fmt::format("# HELP frugal_queue_size Rows waiting for a batch\n# TYPE frugal_queue_size gauge\nfrugal_queue_size {}\n",
                     queue_size.load());
  out += fmt::format("# HELP frugal_requests_in_flight Requests being handled\n# TYPE frugal_requests_in_flight gauge\n"
                     "frugal_requests_in_flight {}\n",
                     in_flight.load());
  for (const auto* h : {&request_duration, &queue_duration, &tokenization_duration, &inference_duration, &batch_size, &batch_tokens}) {
    h->append_prometheus(out);
  }
  return out;
}

}  // namespace frugal::serve
