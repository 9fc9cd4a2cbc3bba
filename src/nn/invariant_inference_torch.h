#pragma once
// Runs inference batches so that a row's bits do not depend on the thread count: every forward
// runs single-threaded (libtorch intra-op and BLAS at 1 thread: a multi-threaded product splits
// its work, and so its rounding, by the thread count), and the batches are spread over
// `threads` workers instead. With fixed-shape batches (nn/fixed_shape_batches.h) a record's
// output is then the same whatever shared its batch, the chunk, the shard or the threads.
// On a GPU one worker issues every batch.
#include <torch/types.h>

#include <cstddef>
#include <functional>

namespace frugal {

// Calls run(i) for i in [0, count), each under NoGradGuard, from up to `threads` workers on a
// CPU device (order of calls unspecified: run must write only to slot i of its outputs).
// The first exception thrown is rethrown here after the workers stop.
void run_invariant_batches(std::size_t count, int threads, torch::Device device, const std::function<void(std::size_t)>& run);

}  // namespace frugal
