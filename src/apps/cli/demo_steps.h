#pragma once
// The demo's steps: each one frugal command, run as a child process of this binary and printed,
// so any step can be rerun by hand. run() runs one in the foreground with the run's threads;
// run_together() runs independent jobs at once (a job is commands in order: train a reader, then
// answer with it), each command on a fixed number of threads. On two cores two one-thread readers
// at once do 1.3x the work of one two-thread reader (the tiny models do not scale across threads;
// docs/benchmarks.md), and a fixed per-command thread count keeps each result independent of
// how many run at once and of the machine's cores.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "apps/cli/commands.h"

namespace frugal::cli {

struct DemoCommand {
  std::string what;               // printed, and the key of its seconds
  std::vector<std::string> args;  // after `frugal` and the global options
};

struct DemoJob {
  std::vector<DemoCommand> commands;  // run in order
  int after = -1;                     // index of a job of the same call that must finish first
  double weight = 1.0;                // expected cost: heavier jobs (with what waits on them) start first
};

class DemoSteps {
 public:
  // log_dir: where a command run beside others writes its output (one file per command).
  DemoSteps(const GlobalOptions& global, std::string log_dir);

  void run(const std::string& what, const std::vector<std::string>& args);
  // At most `slots` commands at once (1: one after the other, output inline); each gets
  // --threads `threads` (0: the run's). The first failure stops the others and throws.
  void run_together(const std::vector<DemoJob>& jobs, std::size_t slots, int threads);

  const std::map<std::string, double>& seconds() const { return seconds_; }

 private:
  std::vector<std::string> argv(const std::vector<std::string>& args, int threads) const;

  const GlobalOptions& global_;
  std::string log_dir_;
  std::size_t done_ = 0;
  std::map<std::string, double> seconds_;
};

}  // namespace frugal::cli
