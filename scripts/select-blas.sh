#!/usr/bin/env bash
# Points libblas.so.3 / liblapack.so.3 (what Debian's libtorch loads) at OpenBLAS.
# Variant: openmp (default) or pthread, as the first argument. Why openmp: the pthread build
# keeps its own thread pool beside libtorch's OpenMP pool; with both at 2 threads on 2 cores
# they oversubscribe. The OpenMP build shares libtorch's pool and follows
# torch::set_num_threads. Numbers: docs/benchmarks.md ("BLAS variant").
set -euo pipefail
variant="${1:-openmp}"
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
dir="/usr/lib/${arch}/openblas-${variant}"
[ -d "$dir" ] || { echo "select-blas: $dir missing (run scripts/setup.sh)" >&2; exit 2; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# All six links: libtorch loads libblas.so.3, liblapack.so.3 and (through liblapack)
# libopenblas.so.0; leaving one on the other variant loads both builds into one process.
for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0 libblas.so liblapack.so libopenblas.so; do
  target="${dir}/${lib}"
  [ -e "$target" ] || continue
  $SUDO update-alternatives --quiet --set "${lib}-${arch}" "$target"
done
echo "setup: BLAS -> OpenBLAS ${variant} ($(readlink -f /usr/lib/${arch}/libblas.so.3), $(readlink -f /usr/lib/${arch}/libopenblas.so.0))"
