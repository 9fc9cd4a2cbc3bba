#include "core/allocator.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace frugal {

bool tune_allocator_for_tensors() {
#if defined(__GLIBC__)
  const char* choice = std::getenv("FRUGAL_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "default") == 0) return false;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return false;  // the user's own choice
  // Both are needed: setting either one alone turns off glibc's dynamic threshold, and with the
  // default 128 kB mmap threshold every larger buffer is mapped and unmapped again (slower still).
  const bool mmap_set = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  const bool trim_set = mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024) == 1;
  return mmap_set && trim_set;
#else
  return false;
#endif
}

}  // namespace frugal
