// frugal launch --nproc N -- frugal pretrain ...: starts N local workers with torchrun's
// environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) and
// each worker's share of the CPU threads; forwards SIGINT/SIGTERM to the workers (they
// checkpoint and exit); if one worker fails the others are stopped. Exit code: the first
// failing worker's, else 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "apps/cli/commands.h"
#include "core/error.h"

namespace frugal::cli {
namespace {

constexpr int kMaxWorkers = 256;
volatile pid_t g_workers[kMaxWorkers];
volatile int g_worker_count = 0;

extern "C" void forward_signal(int sig) {
  for (int i = 0; i < g_worker_count; ++i) {
    if (g_workers[i] > 0) ::kill(g_workers[i], sig);
  }
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free TCP port on 127.0.0.1");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

struct LaunchArgs {
  int nproc = 2;
  int port = 0;
  int threads = 0;
  std::vector<std::string> command;
};

int run_launch(const LaunchArgs& args) {
  if (args.nproc < 1 || args.nproc > kMaxWorkers) throw InputError("--nproc must be between 1 and 256");
  if (args.command.empty()) throw InputError("no command to launch (frugal launch --nproc N -- frugal pretrain ...)");
  const int port = args.port > 0 ? args.port : free_port();
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = args.threads > 0 ? args.threads : std::max(1, cores / args.nproc);
  std::vector<std::string> command = args.command;
  if (command[0] == "frugal") command[0] = "/proc/self/exe";  // this very binary

  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);

  for (int rank = 0; rank < args.nproc; ++rank) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(args.nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(args.nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      ::setenv("FRUGAL_THREADS", std::to_string(threads).c_str(), 0);
      std::vector<char*> argv;
      for (auto& a : command) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      std::cerr << "error: cannot run " << args.command[0] << "\n";
      ::_exit(127);
    }
    g_workers[rank] = pid;
    g_worker_count = rank + 1;
  }
  std::cerr << "launch: " << args.nproc << " workers, MASTER_PORT=" << port << ", " << threads << " threads each\n";
  int exit_code = 0;
  for (int alive = args.nproc; alive > 0;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    --alive;
    for (int i = 0; i < g_worker_count; ++i) {
      if (g_workers[i] == pid) g_workers[i] = 0;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0 && exit_code == 0) {
      exit_code = code;
      std::cerr << "launch: a worker exited with " << code << "; stopping the others\n";
      forward_signal(SIGTERM);
    }
  }
  return exit_code;
}

}  // namespace

void register_launch_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* launch = app.add_subcommand("launch", "Run N data-parallel workers on this machine (torchrun-style environment)");
  auto a = std::make_shared<LaunchArgs>();
  launch->add_option("--nproc", a->nproc, "Worker processes")->capture_default_str();
  launch->add_option("--master-port", a->port, "Rendezvous port on 127.0.0.1 (default: a free one)");
  launch->add_option("--threads-per-proc", a->threads, "CPU threads per worker (default: cores / nproc)");
  launch->add_option("command", a->command, "The worker command, after --")->required();
  set_example(launch, "  frugal launch --nproc 2 -- frugal pretrain mlm --corpus corpus.txt --tokenizer vocab.txt \\\n"
                      "      --model-config small.json --steps 1000 --seed 1 --out runs/ddp");
  table.add(launch, [a] { return run_launch(*a); });
  (void)global;
}

}  // namespace frugal::cli
