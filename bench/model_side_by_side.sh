#!/usr/bin/env bash
# The engine benchmarks side by side, in one run, same threads: frugal (build/bench/bench_model),
# PyTorch 1.13 eager (bench/model_peer.py, Debian python3-torch) and ONNX Runtime (bench/onnx_peer.js
# on the encoder exported by the peer). Nothing else should run meanwhile.
# Usage: bench/model_side_by_side.sh [THREADS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=${1:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Every side gets the same OpenBLAS kernels: the ones the frugal CLI names (scripts/openblas-coretype.sh).
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$("$root/scripts/openblas-coretype.sh")}
echo "== $(date -u +%FT%TZ) $(nproc) cores, $threads threads, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(detected)}"
echo "== frugal"
FRUGAL_BENCH_THREADS=$threads "$root/build/bench/bench_model" --benchmark_min_time=3 2>&1 | grep -E "^BM_"
echo "== PyTorch eager"
/usr/bin/python3 "$root/bench/model_peer.py" --threads "$threads" --seconds 5 --onnx "$tmp" 2>&1 | grep -v -i warn
echo "== ONNX Runtime"
node "$root/bench/onnx_peer.js" --model "$tmp/encoder.onnx" --threads "$threads" --seconds 5
echo "== frugal again (drift check)"
FRUGAL_BENCH_THREADS=$threads "$root/build/bench/bench_model" --benchmark_min_time=3 --benchmark_filter="MlmTrain|EncoderForward|Gemm" 2>&1 | grep -E "^BM_"
