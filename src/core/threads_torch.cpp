#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstring>
#include <mutex>

#include "core/log.h"
#include "core/threads.h"

namespace frugal {
namespace {

using SetThreadsFn = void (*)(int);
using GetIntFn = int (*)();

template <class Fn>
Fn find_symbol(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, name));
}

std::string loaded_blas_path() {
  std::string found;
  ::dl_iterate_phdr(
      [](struct dl_phdr_info* info, size_t, void* data) {
        const char* name = info->dlpi_name;
        if (name && (std::strstr(name, "libblas") || std::strstr(name, "libopenblas"))) {
          *static_cast<std::string*>(data) = name;
          return 1;
        }
        return 0;
      },
      &found);
  return found;
}

std::once_flag g_inter_op_once;

}  // namespace


ThreadSettings current_threads() {
  ThreadSettings s;
  s.intra_op = at::get_num_threads();
  s.inter_op = at::get_num_interop_threads();
  s.blas = -1;
  if (auto get = find_symbol<GetIntFn>("openblas_get_num_threads")) s.blas = get();
  s.blas_library = loaded_blas_path();
  if (auto parallel = find_symbol<GetIntFn>("openblas_get_parallel")) {
    const int model = parallel();
    s.blas_library += model == 2 ? " (OpenBLAS, OpenMP)" : model == 1 ? " (OpenBLAS, pthreads)" : " (OpenBLAS, serial)";
  }
  return s;
}

ThreadSettings configure_threads(int threads) {
  threads = resolve_threads(threads);
  at::set_num_threads(threads);
  std::call_once(g_inter_op_once, [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const std::exception& e) {
      spdlog::debug("inter-op threads already fixed: {}", e.what());
    }
  });
  // The pthread OpenBLAS keeps its own pool: give it the same size. The OpenMP build reads
  // omp_get_max_threads, which at::set_num_threads has just set; setting it again is harmless.
  if (auto set = find_symbol<SetThreadsFn>("openblas_set_num_threads")) set(threads);
  auto settings = current_threads();
  spdlog::debug("threads: intra-op {}, inter-op {}, BLAS {} [{}]", settings.intra_op, settings.inter_op,
                settings.blas, settings.blas_library);
  return settings;
}

void seed_torch(std::uint64_t seed) { torch::manual_seed(seed); }

std::string torch_build_summary() {
  std::string out = "libtorch " + std::string(TORCH_VERSION) + "\n";
  const bool cuda = torch::cuda::is_available();
  out += "CUDA: " + std::string(cuda ? "available, " + std::to_string(torch::cuda::device_count()) + " device(s)" : "not available") + "\n";
  return out;
}

}  // namespace frugal
