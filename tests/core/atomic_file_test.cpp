#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "test_support.h"

namespace frugal {
namespace fs = std::filesystem;

static std::size_t files_in(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, CommitReplacesTargetWhole) {
  const auto dir = test::scratch_dir("atomic");
  const auto path = dir + "/out.txt";
  write_file_atomic(path, "old");
  {
    AtomicFile f(path);
    f.write("new ");
    EXPECT_EQ(read_file(path), "old");  // not visible before commit
    f.write("content");
    f.commit();
  }
  EXPECT_EQ(read_file(path), "new content");
  EXPECT_EQ(files_in(dir), 1u);  // no temporary left behind
}

TEST(AtomicFile, DestructionWithoutCommitLeavesNothing) {
  const auto dir = test::scratch_dir("atomic");
  const auto path = dir + "/out.txt";
  try {
    AtomicFile f(path);
    f.write("partial");
    EXPECT_TRUE(fs::exists(f.temp_path()));
    throw std::runtime_error("bad input halfway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(files_in(dir), 0u);
}

TEST(AtomicFile, UnwritableTargetIsAnInputError) {
  EXPECT_THROW(AtomicFile("/nonexistent-dir/x/out.txt"), InputError);
  EXPECT_THROW(read_file("/nonexistent-file"), InputError);
  const auto dir = test::scratch_dir("atomic");
  EXPECT_THROW(read_file(dir), InputError);  // a directory
}

}  // namespace frugal
