#!/usr/bin/env bash
# Run on the device machine (one GPU, Python's torch with CUDA, nvcc, cmake; no apt, no network),
# after scripts/device/prepare.sh here, carrying build-device/deps:
#   1. builds frugal against the device's libtorch (torch.utils.cmake_prefix_path) with the
#      carried Debian libraries (no libcurl, no OpenCV codecs);
#   2. CUDA checks: TorchScript and native models on the GPU against the CPU and PyTorch;
#   3. the precision table on the GPU (fp32 / fp16 / bf16) of the seed's kind of image
#      classifier (a scripted ResNet-18), frugal beside PyTorch's own TorchScript run.
# Everything it writes lands in $OUT (log, JSON lines, the table). Within 10 minutes on one H200.
# Usage: scripts/device/run.sh [--configure-only | --build-only]   (TORCH_PREFIX overrides Python's cmake prefix)
# Through the device tool: run(command="scripts/device/run.sh", carry=["build-device/deps"], timeout_s=590)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/build-device/out}
deps="$root/build-device/deps"
build="$root/build-device/build"
python=${PYTHON:-python3}
mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
step() { echo "== $(date -u +%T) $*"; }
[ -d "$deps/usr/include" ] || { echo "run: $deps is missing: run scripts/device/prepare.sh first and carry build-device/deps"; exit 2; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
torch_prefix=${TORCH_PREFIX:-$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')} || { echo "run: no torch in $python"; exit 2; }
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
torch_lib=$("$python" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')

step "configure"
config_dirs=()
for name in CLI11 nlohmann_json simdjson spdlog fmt OpenCV; do
  file=$(find "$deps" \( -name "${name}Config.cmake" -o -name "$(echo "$name" | tr A-Z a-z)-config.cmake" \) | head -1)
  [ -n "$file" ] && config_dirs+=("-D${name}_DIR=$(dirname "$file")")
done
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DFRUGAL_BUILD_TESTS=OFF -DFRUGAL_BUILD_BENCH=OFF -DFRUGAL_WITH_CURL=OFF -DFRUGAL_WITH_IMGCODECS=OFF -DFRUGAL_WITH_SERVER=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" -DCMAKE_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu" \
  -DCMAKE_INCLUDE_PATH="$deps/usr/include" -DOPENSSL_ROOT_DIR="$deps/usr" "${config_dirs[@]}" \
  -DTORCH_CUDA_ARCH_LIST="9.0" -DCMAKE_CUDA_ARCHITECTURES=90 > "$out/configure.log" 2>&1 \
  || { tail -40 "$out/configure.log"; echo "run: configure failed"; exit 1; }
grep -E "Found|_DIR|Torch" "$out/configure.log" | head -20
[ "${1:-}" = "--configure-only" ] && exit 0
step "build"
cmake --build "$build" --target frugal -j "$(nproc)" > "$out/build.log" 2>&1 \
  || { grep -m 20 -A 3 "error" "$out/build.log"; echo "run: build failed"; exit 1; }
frugal="$build/frugal"
export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu:$torch_lib:${LD_LIBRARY_PATH:-}"
"$frugal" info --torch || true
[ "${1:-}" = "--build-only" ] && exit 0

failures=0
check() { if "$@"; then :; else echo "FAIL: $*"; failures=$((failures + 1)); fi; }
fx="$root/tests/apps/torchscript_fixtures.py"
work="$root/build-device/work"
rm -rf "$work" && mkdir -p "$work" && cd "$work"

step "CUDA checks"
check "$python" "$fx" make . > fixtures.log 2>&1
for model in resnet18 lstm mlp; do
  input=$(case $model in resnet18) echo images ;; lstm) echo ids ;; mlp) echo features ;; esac)
  check "$frugal" --no-progress infer --model $model.pt --input $input.safetensors --device cuda --out ${model}_cuda.safetensors
  # cuDNN / cuBLAS kernels differ from the CPU's: 1e-4 on probabilities.
  check "$python" "$fx" compare ${model}_cuda.safetensors ${model}_ref.safetensors probs 1e-4
  for p in fp16 bf16; do
    check "$frugal" --no-progress infer --model $model.pt --input $input.safetensors --device cuda --precision $p --out ${model}_$p.safetensors
    check "$python" "$fx" compare ${model}_$p.safetensors ${model}_ref.safetensors probs 0.05 --agreement 0.99
  done
done
# A native frugal model (BERT classifier) at fp16 on the GPU vs fp32 on the CPU.
printf '%s' '{"vocab_size": 200, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 64, "num_labels": 3}' > tiny.json
check "$frugal" --no-progress model init --arch bert --head cls --model-config tiny.json --seed 3 --out bert
"$python" -c "
import importlib.util, numpy as np
spec = importlib.util.spec_from_file_location('fx', '$fx'); fx = importlib.util.module_from_spec(spec); spec.loader.exec_module(fx)
ids = np.random.default_rng(0).integers(1, 200, (256, 32)).astype(np.int64); mask = np.ones_like(ids); mask[:128, 20:] = 0
fx.save('tokens.safetensors', {'input_ids': ids, 'attention_mask': mask})"
check "$frugal" --no-progress infer --model bert --input tokens.safetensors --out bert_cpu.safetensors
for p in fp32 fp16 bf16; do
  check "$frugal" --no-progress infer --model bert --input tokens.safetensors --device cuda --precision $p --out bert_$p.safetensors
  check "$python" "$fx" compare bert_$p.safetensors bert_cpu.safetensors probs "$([ $p = fp32 ] && echo 1e-4 || echo 0.05)" --agreement 0.99
done
"$frugal" --no-progress infer --model mlp.pt --input features.safetensors --device cuda --precision int8 > int8_cuda.txt 2>&1
grep -q "CPU only" int8_cuda.txt || { echo "FAIL: int8 on CUDA is not refused clearly: $(cat int8_cuda.txt)"; failures=$((failures + 1)); }

step "precision table: ResNet-18, 2048 images of 224x224, batch 64"
check "$python" "$fx" bench . 2048 224 cuda > bench_fixtures.log 2>&1
cat bench_fixtures.log | tail -1
cp bench_peer.json "$out/" 2>/dev/null
check "$frugal" --no-progress bench precision --model resnet18_bench.pt --input bench_images.safetensors --device cuda \
  --precisions fp32,fp16,bf16 --batch-size 64 --runs 3 --out "$out/precision_cuda.jsonl" | tee "$out/precision_cuda.txt"
step "done: $failures failures"
[ "$failures" -eq 0 ]
