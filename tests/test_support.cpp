#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace frugal::test {
namespace fs = std::filesystem;

std::string mirror_dir() {
  if (const char* env = std::getenv("FRUGAL_MIRROR"); env && *env) return env;
  return std::string(FRUGAL_SOURCE_DIR) + "/../shared/data";
}

namespace {
struct ScratchDirs {
  std::vector<std::string> dirs;
  ~ScratchDirs() {
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};
ScratchDirs& scratch_registry() {
  static ScratchDirs dirs;
  return dirs;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::string scratch_dir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("frugal-test-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  scratch_registry().dirs.push_back(pattern);
  return pattern;
}

CommandResult run_frugal(const std::string& args) {
  const std::string dir = scratch_dir("cmd");
  const std::string out = dir + "/out", err = dir + "/err";
  const std::string command = std::string(FRUGAL_BINARY) + " --no-progress " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

void write_text(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace frugal::test
