#include "core/directory_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "core/error.h"
#include "core/fingerprint.h"
#include "test_support.h"

namespace frugal {

TEST(DirectoryLock, ASecondHolderIsRefusedWithThePid) {
  const auto dir = test::scratch_dir("lock") + "/out";
  std::optional<DirectoryLock> first;
  first.emplace(dir);
  try {
    DirectoryLock second(dir);
    FAIL() << "two locks on one directory";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by pid " + std::to_string(::getpid())), std::string::npos) << e.what();
  }
  first.reset();
  DirectoryLock again(dir);  // released with its holder
}

TEST(Fingerprint, OptionsAndFilesAreCompared) {
  const auto dir = test::scratch_dir("fingerprint");
  const auto corpus = dir + "/corpus.txt";
  std::ofstream(corpus) << "some text\n";
  const nlohmann::json config = {{"threads", 2}, {"pretrain", {{"mlm", {{"seed", 1}, {"steps", 10}, {"corpus", {corpus}}}}}}};
  const auto a = command_fingerprint(config, {"steps"});
  EXPECT_FALSE(a.contains("steps"));
  EXPECT_FALSE(a.contains("threads"));
  EXPECT_EQ(a["corpus"][0]["bytes"], 10);
  auto longer = config;
  longer["pretrain"]["mlm"]["steps"] = 20;
  EXPECT_EQ(fingerprint_mismatch(a, command_fingerprint(longer, {"steps"})), "");
  auto reseeded = config;
  reseeded["pretrain"]["mlm"]["seed"] = 9;
  EXPECT_EQ(fingerprint_mismatch(a, command_fingerprint(reseeded, {"steps"})), "--seed was 1, now 9");
  std::ofstream(corpus, std::ios::app) << "more\n";
  EXPECT_NE(fingerprint_mismatch(a, command_fingerprint(config, {"steps"})).find("corpus.txt changed since (then 10 bytes, now 15)"),
            std::string::npos);
}

}  // namespace frugal
