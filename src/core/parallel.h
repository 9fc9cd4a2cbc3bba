#pragma once
// The one way frugal splits data-side work over threads: contiguous slices of [0, n), each on
// its own thread. Callers write results by index, so outputs never depend on the thread count.
#include <algorithm>
#include <cstddef>
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

}  // namespace frugal
