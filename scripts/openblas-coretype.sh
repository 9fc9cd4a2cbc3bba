#!/usr/bin/env bash
# Prints the OpenBLAS kernel set to name in OPENBLAS_CORETYPE for this CPU, or nothing to let
# OpenBLAS detect it. Debian 12's OpenBLAS 0.3.21 does not know Intel's newer Xeons (it reports
# "Prescott" and runs generic SSE3 kernels: 1024^3 fp32 GEMM 46 ms vs 9.8 ms with SkylakeX);
# on an Intel CPU with AVX-512 F/BW/VL/DQ its SkylakeX kernels are the right ones. The frugal
# CLI applies the same rule itself (src/apps/cli/torch_commands.cpp); programs that link
# libtorch directly (bench/, the peers) need it in the environment before they start:
#   export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$(scripts/openblas-coretype.sh)}
set -euo pipefail
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo || true)
has() { [[ " $flags " == *" $1 "* ]]; }
if [[ "$vendor" == *GenuineIntel* ]] && has avx512f && has avx512bw && has avx512vl && has avx512dq; then
  echo SkylakeX
fi
