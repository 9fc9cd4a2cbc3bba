#!/usr/bin/env bash
# Measures the thread-count / BLAS-build decision of core/threads.h: runs bench_threads once
# with each OpenBLAS build (OpenMP and pthreads) by pointing the loader at its directory,
# and a third time with the pthread build plus OMP_WAIT_POLICY=passive.
# Usage: scripts/bench-threads.sh [out.json prefix]   (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
prefix="${1:-build/bench-threads}"
for variant in openmp pthread; do
  echo "== OpenBLAS ${variant}"
  LD_LIBRARY_PATH="/usr/lib/${arch}/openblas-${variant}" build/bench/bench_threads \
    --benchmark_min_time=1 --benchmark_out="${prefix}-${variant}.json" --benchmark_out_format=json
done
echo "== OpenBLAS pthread, OMP_WAIT_POLICY=passive"
OMP_WAIT_POLICY=passive LD_LIBRARY_PATH="/usr/lib/${arch}/openblas-pthread" build/bench/bench_threads \
  --benchmark_min_time=1 --benchmark_out="${prefix}-pthread-passive.json" --benchmark_out_format=json
