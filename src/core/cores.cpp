// available_cores (core/threads.h) without libtorch: the torch-free commands size their pools by it.
#include <sched.h>

#include <algorithm>

#include "core/threads.h"

namespace frugal {

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

}  // namespace frugal
