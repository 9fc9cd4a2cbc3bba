// available_cores (core/threads.h) without libtorch: the torch-free commands size their pools by it.
#include <sched.h>

#include <algorithm>
#include <cstdlib>

#include "core/threads.h"

namespace frugal {

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  if (const char* env = std::getenv("FRUGAL_THREADS")) {
    if (const int n = std::atoi(env); n > 0) return n;
  }
  return available_cores();
}

}  // namespace frugal
