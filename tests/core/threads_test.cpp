#include "core/threads.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace frugal {

TEST(Threads, ConfigureSetsTorchAndBlasTogether) {
  auto s = configure_threads(1);
  EXPECT_EQ(s.intra_op, 1);
  EXPECT_EQ(s.inter_op, 1);
  if (s.blas != -1) {
    EXPECT_EQ(s.blas, 1);
  }
  s = configure_threads(2);
  EXPECT_EQ(s.intra_op, 2);
  if (s.blas != -1) {
    EXPECT_EQ(s.blas, 2);
  }
  EXPECT_EQ(current_threads().intra_op, 2);
}

TEST(Threads, DefaultIsTheAvailableCores) {
  ::unsetenv("FRUGAL_THREADS");
  EXPECT_GE(available_cores(), 1);
  const auto s = configure_threads(0);
  EXPECT_EQ(s.intra_op, available_cores());
}

TEST(Threads, ReportsTheLoadedBlas) {
  const auto s = current_threads();
  // setup.sh selects OpenBLAS; a build on another BLAS still reports something, or nothing.
  if (!s.blas_library.empty()) {
    EXPECT_NE(s.blas_library.find("blas"), std::string::npos);
  }
}

}  // namespace frugal
