#include "apps/cli/demo_steps.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <stdexcept>

namespace frugal::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string joined(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

// fork + exec of this binary; with a log file, the child's stdout and stderr go there.
pid_t spawn(std::vector<std::string> argv, const std::string& log) {
  const pid_t demo = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A step outlives no demo: killed or crashed, the demo takes its running steps with it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != demo) ::_exit(128 + SIGTERM);  // the demo died before prctl
    if (!log.empty()) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) ::_exit(126);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    ::execv("/proc/self/exe", c.data());
    ::_exit(127);
  }
  return pid;
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::string last_lines(const std::string& path, std::size_t n) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > n) lines.pop_front();
  }
  std::string text;
  for (const auto& l : lines) text += "    " + l + "\n";
  return text;
}

}  // namespace

DemoSteps::DemoSteps(const GlobalOptions& global, std::string log_dir) : global_(global), log_dir_(std::move(log_dir)) {}

std::vector<std::string> DemoSteps::argv(const std::vector<std::string>& args, int threads) const {
  std::vector<std::string> argv = {"frugal"};
  if (!global_.mirror.empty()) argv.insert(argv.end(), {"--mirror", global_.mirror});
  if (!global_.home.empty()) argv.insert(argv.end(), {"--home", global_.home});
  if (threads <= 0) threads = global_.threads;
  if (threads > 0) argv.insert(argv.end(), {"--threads", std::to_string(threads)});
  if (global_.no_progress) argv.push_back("--no-progress");
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

void DemoSteps::run(const std::string& what, const std::vector<std::string>& args) {
  run_together({DemoJob{{{what, args}}}}, 1, 0);
}

void DemoSteps::run_together(const std::vector<DemoJob>& jobs, std::size_t slots, int threads) {
  slots = std::max<std::size_t>(1, slots);
  const bool inline_output = slots == 1;
  // Start order: by the weight of a job and of everything that waits on it (longest chain first).
  std::vector<double> chain(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].after >= static_cast<int>(i) || jobs[i].after < -1) throw std::logic_error("demo job waits on a later job");
    if (jobs[i].commands.empty()) throw std::logic_error("demo job without commands");
    chain[i] = jobs[i].weight;
  }
  for (std::size_t i = jobs.size(); i-- > 0;) {
    if (jobs[i].after >= 0) chain[jobs[i].after] = std::max(chain[jobs[i].after], jobs[jobs[i].after].weight + chain[i]);
  }
  std::vector<std::size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0);
  if (!inline_output) std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return chain[a] > chain[b]; });

  struct Running {
    std::size_t job, command, number;
    pid_t pid;
    Clock::time_point start;
    std::string log;
  };
  std::vector<Running> running;
  std::vector<bool> started(jobs.size(), false), finished(jobs.size(), false);
  const auto start_command = [&](std::size_t job, std::size_t command) {
    const auto& cmd = jobs[job].commands[command];
    const auto args = argv(cmd.args, threads);
    const std::size_t number = ++done_;
    std::string log;
    if (!inline_output) {
      std::filesystem::create_directories(log_dir_);
      log = fmt::format("{}/step-{:02}.log", log_dir_, number);
    }
    std::cout << fmt::format("[{}] {}\n  $ {}\n", number, cmd.what, joined(args));
    if (!log.empty()) std::cout << fmt::format("  (beside others; output in {})\n", log);
    std::cout << std::flush;
    running.push_back({job, command, number, spawn(args, log), Clock::now(), log});
  };
  const auto stop_all = [&] {
    for (const auto& r : running) ::kill(r.pid, SIGTERM);
    for (const auto& r : running) ::waitpid(r.pid, nullptr, 0);
    running.clear();
  };

  while (true) {
    for (const auto job : order) {
      if (running.size() >= slots) break;
      if (started[job] || (jobs[job].after >= 0 && !finished[jobs[job].after])) continue;
      started[job] = true;
      start_command(job, 0);
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    const auto it = std::find_if(running.begin(), running.end(), [&](const Running& r) { return r.pid == pid; });
    if (it == running.end()) continue;  // not one of ours
    const Running done = *it;
    running.erase(it);
    const auto& cmd = jobs[done.job].commands[done.command];
    const int code = exit_code(status);
    if (code != 0) {
      stop_all();
      if (!done.log.empty()) std::cerr << fmt::format("[{}] failed; the end of {}:\n{}", done.number, done.log, last_lines(done.log, 15));
      throw std::runtime_error(fmt::format("demo step '{}' failed with exit code {}", cmd.what, code));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - done.start).count();
    seconds_[cmd.what] = seconds;
    if (!inline_output) std::cout << fmt::format("[{}] done in {:.0f} s: {}\n", done.number, seconds, cmd.what) << std::flush;
    if (done.command + 1 < jobs[done.job].commands.size()) {
      start_command(done.job, done.command + 1);
    } else {
      finished[done.job] = true;
    }
  }
  if (std::find(finished.begin(), finished.end(), false) != finished.end()) throw std::logic_error("demo jobs left unfinished");
}

}  // namespace frugal::cli
