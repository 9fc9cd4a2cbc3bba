#pragma once
// The thread count of the torch benchmarks: FRUGAL_BENCH_THREADS, default 2 (this machine's cores).
#include <cstdlib>

namespace frugal {

inline int bench_threads() {
  const char* t = std::getenv("FRUGAL_BENCH_THREADS");
  return t != nullptr ? std::atoi(t) : 2;
}

}  // namespace frugal
