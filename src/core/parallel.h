#pragma once
// The one way frugal splits data-side work over threads: contiguous slices of [0, n), each on
// its own thread. Callers write results by index, so outputs never depend on the thread count.
#include <algorithm>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace frugal {

// requested > 0: that many; otherwise every hardware thread.
inline int worker_threads(int requested) {
  return requested > 0 ? requested : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Runs fn(first, last) on up to `threads` slices; tiny inputs (under 64 items a thread) use fewer.
template <class Fn>
void parallel_slices(std::size_t n, int threads, Fn&& fn) {
  const std::size_t t = static_cast<std::size_t>(std::max(1, std::min<int>(threads, static_cast<int>(n / 64 + 1))));
  if (t <= 1) {
    fn(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t k = 0; k < t; ++k) {
    pool.emplace_back([&, k] { fn(n * k / t, n * (k + 1) / t); });
  }
  for (auto& th : pool) th.join();
}

// Maps item i to zero or more outputs, fn(i, outputs, local_stats), on up to `threads` slices
// and returns all outputs concatenated in item order. Each slice counts into its own Stats,
// added to `stats` with merge(stats, local) (counts: the order does not matter).
template <class Out, class Stats, class Fn, class Merge>
std::vector<Out> parallel_flat_map(std::size_t n, int threads, Stats& stats, Fn&& fn, Merge&& merge) {
  std::vector<std::vector<Out>> per_item(n);
  std::mutex mutex;
  parallel_slices(n, threads, [&](std::size_t first, std::size_t last) {
    Stats local{};
    for (std::size_t i = first; i < last; ++i) fn(i, per_item[i], local);
    std::lock_guard<std::mutex> lock(mutex);
    merge(stats, local);
  });
  std::size_t total = 0;
  for (const auto& v : per_item) total += v.size();
  std::vector<Out> out;
  out.reserve(total);
  for (auto& v : per_item) {
    for (auto& x : v) out.push_back(std::move(x));
  }
  return out;
}

}  // namespace frugal
