// frugal info: versions, threads and BLAS, as this process sees them.
#include <fmt/format.h>

#include <iostream>

#include "apps/cli/commands.h"
#include "core/threads.h"
#include "core/version.h"

namespace frugal::cli {

void register_info_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* info = app.add_subcommand("info", "Show versions, thread settings, BLAS library and devices");
  auto with_torch = std::make_shared<bool>(false);
  info->add_flag("--torch", *with_torch, "Also load libtorch: its build, CUDA devices, threads and BLAS");
  set_example(info, "  frugal info\n  frugal --threads 1 info --torch");
  table.add(info, [&global, with_torch] {
    const auto cache = global.data_cache();
#ifdef FRUGAL_TORCH_FREE
    if (*with_torch) return hand_command_line_to_torch();
    std::cout << fmt::format("frugal {} ({})\n", kVersion, kGitDescribe);
    std::cout << fmt::format("cores available: {}\n", available_cores());
    std::cout << "libtorch: loaded only by the commands that need it (frugal info --torch shows it)\n";
#else
    const auto threads = current_threads();
    std::cout << fmt::format("frugal {} ({})\n", kVersion, kGitDescribe);
    std::cout << torch_build_summary();
    std::cout << fmt::format("cores available: {}\n", available_cores());
    std::cout << fmt::format("threads: intra-op {}, inter-op {}, BLAS {}\n", threads.intra_op, threads.inter_op,
                             threads.blas);
    std::cout << fmt::format("BLAS: {}\n", threads.blas_library.empty() ? "(unknown)" : threads.blas_library);
#endif
    std::cout << fmt::format("cache: {}\nmirror: {}\n", cache.home(), cache.mirror().empty() ? "(none)" : cache.mirror());
    return 0;
  });
}

}  // namespace frugal::cli
