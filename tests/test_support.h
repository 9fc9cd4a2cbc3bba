#pragma once
// Helpers shared by the tests: the data mirror, scratch directories, running the CLI.
#include <functional>
#include <string>

namespace frugal::test {

// The mirror the tests read ($FRUGAL_MIRROR, else ../shared/data beside the source tree).
std::string mirror_dir();
// A fresh empty directory under the system temp dir, removed at process exit.
std::string scratch_dir(const std::string& tag);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs build/frugal with the given argument string (shell syntax).
CommandResult run_frugal(const std::string& args);

void write_text(const std::string& path, const std::string& content);

// The message of the InputError `fn` throws, or "(no error)".
std::string error_of(const std::function<void()>& fn);

}  // namespace frugal::test
