#pragma once
// The one place that sets thread counts for libtorch (intra-op and inter-op pools) and BLAS
// together. On this project's 2-core machines two pools that each want every core
// oversubscribe and run several times slower; see docs/benchmarks.md ("Threads and BLAS").
//
// Policy (measured): the OpenMP build of OpenBLAS is selected by scripts/setup.sh, so BLAS
// shares libtorch's OpenMP pool and follows its size; with the pthread build, BLAS gets
// the same count as libtorch's pool. Inter-op threads are 1: frugal runs one graph at a time.
#include <cstdint>
#include <string>

namespace frugal {

struct ThreadSettings {
  int intra_op = 0;
  int inter_op = 0;
  int blas = 0;             // threads BLAS reports (-1: unknown BLAS)
  std::string blas_library; // path of the loaded libblas, and its threading model
};

// threads <= 0: the default, the number of CPU cores available to this process
// (sched_getaffinity), overridable by FRUGAL_THREADS. Safe to call more than once; the
// inter-op count can only be set before torch starts its inter-op pool and is left alone
// after that.
ThreadSettings configure_threads(int threads = 0);
ThreadSettings current_threads();
int available_cores();
// The thread count a command uses: `requested` if > 0, else FRUGAL_THREADS if set > 0, else
// available_cores(). Torch-free: the demo sizes its parallel steps by it.
int resolve_threads(int requested);

// Torch version, CUDA/cuDNN availability and device count, one fact per line.
std::string torch_build_summary();

// Seeds torch's global generators (CPU and, when present, CUDA).
void seed_torch(std::uint64_t seed);

}  // namespace frugal
