// Replays every input kept under fuzz/seeds/TARGET/ and fuzz/regressions/TARGET/ (the inputs a
// fuzzer found that once broke an invariant) through the fuzz targets themselves, built into
// this binary as functions (fuzz/fuzz_target.h): CI checks them without a clang build.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace frugal {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const std::string& target, const char* kind) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(FRUGAL_SOURCE_DIR) / "fuzz" / kind / target;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(FuzzRegressions, EveryKeptInputHoldsItsTargetsInvariants) {
  ASSERT_GE(fuzz::targets().size(), 9u) << "fuzz targets not linked into the test binary";
  std::size_t replayed = 0;
  for (const auto& [name, target] : fuzz::targets()) {
    for (const char* kind : {"seeds", "regressions"}) {
      for (const auto& file : inputs_of(name, kind)) {
        const auto bytes = bytes_of(file);
        try {
          target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        } catch (const std::exception& e) {
          ADD_FAILURE() << name << " on " << file << ": " << e.what();
        }
        ++replayed;
      }
    }
  }
  EXPECT_GT(replayed, 0u);
}

TEST(FuzzRegressions, KeptInputsBelongToATarget) {
  for (const char* kind : {"seeds", "regressions"}) {
    const fs::path dir = fs::path(FRUGAL_SOURCE_DIR) / "fuzz" / kind;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      EXPECT_TRUE(fuzz::targets().count(entry.path().filename().string()) == 1)
          << entry.path() << " names no fuzz target (fuzz/fuzz_*.cpp)";
    }
  }
}

TEST(FuzzRegressions, ABrokenInvariantFailsTheReplay) {
  // The replay only means something if violated() reaches the test instead of passing silently.
  EXPECT_THROW(fuzz::violated("probe"), std::logic_error);
}

}  // namespace
}  // namespace frugal
