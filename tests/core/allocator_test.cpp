#include "core/allocator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace frugal {
namespace {

// Sets an environment variable for one scope and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) previous_ = old, had_ = true;
    if (value) ::setenv(name, value, 1); else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_) ::setenv(name_.c_str(), previous_.c_str(), 1); else ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, previous_;
  bool had_ = false;
};

TEST(Allocator, TunesGlibcUnlessTheUserChoseOtherwise) {
#if defined(__GLIBC__)
  {
    ScopedEnv choice("FRUGAL_MALLOC", "default");
    ScopedEnv tunables("GLIBC_TUNABLES", nullptr);
    EXPECT_FALSE(tune_allocator_for_tensors());
  }
  {
    ScopedEnv choice("FRUGAL_MALLOC", nullptr);
    ScopedEnv tunables("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1000000");
    EXPECT_FALSE(tune_allocator_for_tensors());
  }
  {
    ScopedEnv choice("FRUGAL_MALLOC", nullptr);
    ScopedEnv tunables("GLIBC_TUNABLES", "glibc.pthread.rseq=0");  // other tunables: still tuned
    EXPECT_TRUE(tune_allocator_for_tensors());
  }
#else
  EXPECT_FALSE(tune_allocator_for_tensors());
#endif
}

}  // namespace
}  // namespace frugal
