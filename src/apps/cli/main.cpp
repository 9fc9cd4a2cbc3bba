// frugal: one binary, git-style subcommands. This file holds only the global options,
// config handling and the error policy; each command lives in its own cmd_*.cpp. It is built
// twice: as the torch-free `frugal` executable (FRUGAL_TORCH_FREE, with stand-ins for the torch
// commands, torch_commands.cpp) and as frugal_cli_main in libfrugal-torch.so (every command).
#include <CLI/CLI.hpp>
#ifndef FRUGAL_TORCH_FREE
#include <c10/util/Exception.h>
#endif

#include <cstring>
#include <filesystem>
#include <iostream>

#include "apps/cli/commands.h"
#include "apps/cli/json_config.h"
#include "core/allocator.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/threads.h"
#include "core/version.h"

namespace frugal::cli {

DataCache GlobalOptions::data_cache() const {
  DataCacheOptions options;
  options.home = home;
  options.mirror = mirror;
  options.allow_download = !offline;
  options.show_progress = !no_progress;
  return DataCache(options);
}

const Runner* CommandTable::selected() const {
  const Runner* best = nullptr;
  std::size_t best_depth = 0;
  for (const auto& [sub, run] : runners_) {
    if (!sub->parsed()) continue;
    std::size_t depth = 0;
    for (const CLI::App* a = sub; a != nullptr; a = a->get_parent()) ++depth;
    if (depth > best_depth) {
      best = &run;
      best_depth = depth;
    }
  }
  return best;
}

void set_example(CLI::App* sub, const std::string& example) { sub->footer("\nExample:\n" + example); }

// CLI11 passes no file name to the config formatter; find it on the command line.
static std::string config_file_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) return argv[i + 1];
    if (std::strncmp(argv[i], "--config=", 9) == 0) return argv[i] + 9;
  }
  return "config";
}

static int run(int argc, char** argv) {
  CLI::App app{"frugal: train good NLP and vision models from little labelled data, and run them cheaply"};
  app.name("frugal");
  app.require_subcommand(1);
  // Global options (--dump-config, --threads, ...) may also follow the subcommand.
  app.fallthrough(true);
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_version_flag("--version", std::string("frugal ") + kVersion + " (" + kGitDescribe + ")");
  auto config = std::make_shared<JsonConfig>();
  config->file_name = config_file_argument(argc, argv);
  app.config_formatter(config);
  app.set_config("--config", "", "JSON config file; command-line flags override its values");
  bool dump_config = false;
  app.add_flag("--dump-config", dump_config, "Print the effective configuration as JSON and exit");
  app.footer(
      "\nExample:\n  frugal --config run.json --dump-config eval squad dev-v1.1.json predictions.json\n"
      "Run 'frugal COMMAND --help' for a command's options.");

  GlobalOptions global;
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off")
      ->envname("FRUGAL_LOG")
      ->capture_default_str();
  app.add_option("--threads", global.threads, "CPU threads for torch and BLAS (0: all available cores)")
      ->envname("FRUGAL_THREADS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--mirror", global.mirror, "Data mirror directory (read-only), e.g. ../shared/data")
      ->envname("FRUGAL_MIRROR");
  app.add_option("--home", global.home, "Cache directory (default ~/.cache/frugal)")->envname("FRUGAL_HOME");
  app.add_flag("--no-progress", global.no_progress, "No progress bars");
  app.add_flag("--offline", global.offline, "Never download; use only the cache and the mirror");

  CommandTable table;
  register_data_command(app, table, global);
  register_squad_command(app, table, global);
  register_eval_command(app, table, global);
  register_info_command(app, table, global);
  register_tokenize_command(app, table, global);
  register_mask_command(app, table, global);
  register_bench_command(app, table, global);
  register_augment_command(app, table, global);
  register_model_command(app, table, global);
  register_pretrain_command(app, table, global);
  register_launch_command(app, table, global);
  register_qa_command(app, table, global);
  register_qagen_command(app, table, global);
  register_classify_command(app, table, global);
  register_distill_command(app, table, global);
  register_image_command(app, table, global);
  register_byol_command(app, table, global);
  register_infer_command(app, table, global);
  register_serve_command(app, table, global);
  register_demo_command(app, table, global);
  register_plot_command(app, table, global);

#ifdef FRUGAL_TORCH_FREE
  if (names_torch_command(app, argc, argv)) return hand_command_line_to_torch();
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << " (see frugal --help)\n";
    return kExitBadInput;
  }
  if (dump_config) {
    std::cout << app.config_to_str(true, false);
    return 0;
  }
  global.command_config = [&app] { return nlohmann::json::parse(app.config_to_str(true, false), nullptr, false); };
  log_init(global.log_level);
#ifndef FRUGAL_TORCH_FREE
  configure_threads(global.threads);  // the torch-free commands size their own worker pools
  tune_allocator_for_tensors();
#endif
  const Runner* runner = table.selected();
  if (!runner) {
    std::cerr << "error: no command given (see frugal --help)\n";
    return kExitBadInput;
  }
  return (*runner)();
}

}  // namespace frugal::cli

#ifdef FRUGAL_TORCH_FREE
int main(int argc, char** argv) {
  frugal::cli::remember_command_line(argc, argv);
#else
extern "C" int frugal_cli_main(int argc, char** argv) {
#endif
  frugal::install_temp_cleanup_on_signals();
  try {
    return frugal::cli::run(argc, argv);
  } catch (const frugal::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return frugal::kExitBadInput;
  } catch (const std::filesystem::filesystem_error& e) {
    // An output path that cannot be made (a file where a directory goes, /proc, no space).
    std::cerr << "error: " << (e.path1().empty() ? std::string() : e.path1().string() + ": ") << e.code().message() << "\n";
    return frugal::kExitBadInput;
#ifndef FRUGAL_TORCH_FREE
  } catch (const c10::Error& e) {
    std::cerr << "error: " << e.what_without_backtrace() << "\n";
    return 1;
#endif
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
