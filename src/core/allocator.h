#pragma once
// glibc's malloc, tuned for tensor work: libtorch allocates and frees buffers of hundreds of
// kilobytes to megabytes at every operation; by default glibc maps each of them fresh (its
// dynamic mmap threshold) or gives the heap's top back to the kernel when freed (its trim
// threshold), so every step pays page faults and zeroing again. Keeping such memory in the heap
// made the default demo's reader training 1.15x faster on two cores, and the tests' tiny models
// 1.6x (training) to 2.4x (question generation) (docs/benchmarks.md, bench/allocator.sh).
namespace frugal {

// Raises the mmap threshold to 32 MB (glibc's maximum) and the trim threshold to 256 MB: the
// process keeps up to that much freed memory for reuse. Does nothing without glibc, when
// GLIBC_TUNABLES already sets malloc parameters, or when FRUGAL_MALLOC=default. Returns whether
// it changed them.
bool tune_allocator_for_tensors();

}  // namespace frugal
