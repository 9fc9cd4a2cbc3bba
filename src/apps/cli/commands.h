#pragma once
// The frugal CLI: one file per command; each registers its subcommand and a runner.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/cache.h"

namespace frugal::cli {

// Options every command sees (config keys at the top level of a config file).
struct GlobalOptions {
  std::string log_level = "info";
  int threads = 0;        // 0: all available cores (see core/threads.h)
  std::string mirror;     // data mirror directory (FRUGAL_MIRROR)
  std::string home;       // cache directory (FRUGAL_HOME)
  bool no_progress = false;
  bool offline = false;   // never download
  // The effective options (--dump-config's JSON), for fingerprints; built only when asked.
  std::function<nlohmann::json()> command_config;

  DataCache data_cache() const;
};

using Runner = std::function<int()>;

class CommandTable {
 public:
  // Registers what runs when sub is the command given.
  void add(CLI::App* sub, Runner run) { runners_.push_back({sub, std::move(run)}); }
  // The runner of the deepest parsed subcommand, or nullptr.
  const Runner* selected() const;

 private:
  std::vector<std::pair<CLI::App*, Runner>> runners_;
};

// A path, or the name of a registered single-file data set such as squad-v1.1-dev (fetched).
std::string resolve_data_argument(const std::string& arg, const GlobalOptions& global);

// Adds "Example:" lines to a command's --help.
void set_example(CLI::App* sub, const std::string& example);

void register_data_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_squad_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_eval_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_info_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_demo_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_tokenize_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_mask_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_bench_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_model_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_pretrain_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_lm_eval_commands(CLI::App& eval, CommandTable& table);
void register_launch_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_qa_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_qa_model_commands(CLI::App& qa, CommandTable& table, const GlobalOptions& global);  // qa train | predict
void register_plot_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_infer_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_bench_model_commands(CLI::App& bench, CommandTable& table, const GlobalOptions& global);  // bench precision

// The torch-free `frugal` binary registers the commands that need libtorch as placeholders
// (torch_commands.cpp): listed in --help, they hand the whole command line to the full CLI in
// libfrugal-torch.so, loaded only then. This is that CLI's entry point.
extern "C" int frugal_cli_main(int argc, char** argv);
// Loads libfrugal-torch.so (beside the binary) and runs frugal_cli_main; a clear error if absent.
int run_with_torch(int argc, char** argv);
// The torch-free binary's command line, for the stand-ins that hand it on.
void remember_command_line(int argc, char** argv);
int hand_command_line_to_torch();
// Whether argv names one of those stand-ins (then the full CLI parses it).
bool names_torch_command(const CLI::App& app, int argc, char** argv);
void register_qagen_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_augment_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_classify_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_distill_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_image_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_byol_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);
void register_serve_command(CLI::App& app, CommandTable& table, const GlobalOptions& global);

}  // namespace frugal::cli
