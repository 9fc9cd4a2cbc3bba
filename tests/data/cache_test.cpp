#include "data/cache.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/sha256.h"
#include "test_support.h"

namespace frugal {
namespace fs = std::filesystem;

namespace {

struct Fixture {
  std::string root = test::scratch_dir("cache");
  std::string mirror = root + "/mirror";
  std::string home = root + "/home";
  DataRegistry registry;

  Fixture() {
    fs::create_directories(mirror + "/sub");
    test::write_text(mirror + "/sub/a.txt", "alpha\n");
    test::write_text(mirror + "/sub/bad.txt", "not what was registered\n");
    gzFile gz = gzopen((mirror + "/sub/c.gz").c_str(), "wb");
    gzputs(gz, "gamma gamma gamma\n");
    gzclose(gz);
    test::write_text(root + "/remote.txt", "from a URL\n");
    registry.push_back({"plain", "", "", "", {{"a.txt", "sub/a.txt", sha256_hex("alpha\n"), ""}}});
    registry.push_back({"gz", "", "", "", {{"c", "sub/c.gz", sha256_hex("gamma gamma gamma\n"), "", true}}});
    registry.push_back({"corrupt", "", "", "", {{"bad.txt", "sub/bad.txt", sha256_hex("what was registered\n"), ""}}});
    registry.push_back({"remote", "", "", "", {{"r.txt", "sub/absent.txt", sha256_hex("from a URL\n"), "file://" + root + "/remote.txt"}}});
    registry.push_back({"remote-bad", "", "", "", {{"r.txt", "sub/absent.txt", sha256_hex("other\n"), "file://" + root + "/remote.txt"}}});
    registry.push_back({"unreachable", "", "", "", {{"u.txt", "sub/absent.txt", sha256_hex("x"), "http://127.0.0.1:9/u.txt"}}});
    registry.push_back({"nowhere", "", "", "", {{"n.txt", "sub/absent.txt", sha256_hex("x"), ""}}});
  }

  DataCache cache(bool with_mirror = true) const {
    DataCacheOptions options;
    options.home = home;
    options.mirror = with_mirror ? mirror : root + "/no-mirror";
    options.show_progress = false;
    return DataCache(options, registry);
  }
};

bool dir_is_empty_or_absent(const std::string& dir) {
  return !fs::exists(dir) || fs::directory_iterator(dir) == fs::directory_iterator();
}

}  // namespace

TEST(DataCache, FetchesFromTheMirrorAndVerifies) {
  Fixture f;
  auto cache = f.cache();
  EXPECT_EQ(cache.locate(f.registry[0], f.registry[0].files[0]), FileSource::Mirror);
  const auto dir = cache.fetch("plain");
  EXPECT_EQ(read_file(dir + "/a.txt"), "alpha\n");
  EXPECT_EQ(cache.locate(f.registry[0], f.registry[0].files[0]), FileSource::Cache);
  // Cached files are used even when the mirror disappears.
  EXPECT_EQ(f.cache(false).file_path("plain", "a.txt"), dir + "/a.txt");
  const auto checks = cache.verify("plain");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_TRUE(checks[0].ok);
  EXPECT_EQ(checks[0].source, FileSource::Cache);
}

TEST(DataCache, GunzipsIntoTheCacheAndChecksTheDecompressedBytes) {
  Fixture f;
  auto cache = f.cache();
  EXPECT_TRUE(cache.verify("gz")[0].ok);  // verified in the mirror, decompressed
  EXPECT_EQ(read_file(cache.file_path("gz", "c")), "gamma gamma gamma\n");
}

TEST(DataCache, ChecksumMismatchLeavesNothing) {
  Fixture f;
  auto cache = f.cache();
  try {
    cache.fetch("corrupt");
    FAIL() << "expected a checksum error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch for corrupt/bad.txt from mirror"), std::string::npos);
  }
  EXPECT_TRUE(dir_is_empty_or_absent(cache.entry_dir("corrupt")));
  const auto checks = cache.verify("corrupt");
  EXPECT_FALSE(checks[0].ok);
  EXPECT_NE(checks[0].problem.find("!= registered"), std::string::npos);
}

TEST(DataCache, DownloadsThroughLibcurlWhenTheMirrorLacksAFile) {
  Fixture f;
  auto cache = f.cache();
  EXPECT_EQ(read_file(cache.file_path("remote", "r.txt")), "from a URL\n");
  EXPECT_THROW(cache.fetch("remote-bad"), InputError);
  EXPECT_TRUE(dir_is_empty_or_absent(cache.entry_dir("remote-bad")));
}

TEST(DataCache, NoReachableSourceIsAClearError) {
  Fixture f;
  auto cache = f.cache();
  try {
    cache.fetch("unreachable");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("download failed: http://127.0.0.1:9/u.txt"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dir_is_empty_or_absent(cache.entry_dir("unreachable")));
  try {
    cache.fetch("nowhere");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has no official download URL"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cache.fetch("no-such-name"), InputError);
  EXPECT_THROW(cache.file_path("plain", "no-such-file"), InputError);
}

TEST(DataCache, EveryRegisteredFileVerifiesInTheMirror) {
  DataCacheOptions options;
  options.home = test::scratch_dir("cache-home");  // empty: everything is checked in the mirror
  options.mirror = test::mirror_dir();
  const DataCache cache(options);
  std::size_t files = 0;
  for (const auto& entry : cache.registry()) {
    for (const auto& check : cache.verify(entry.name)) {
      EXPECT_TRUE(check.ok) << check.entry << "/" << check.file << ": " << check.problem;
      EXPECT_EQ(check.source, FileSource::Mirror);
      ++files;
    }
  }
  EXPECT_EQ(files, 33u);
}

}  // namespace frugal
