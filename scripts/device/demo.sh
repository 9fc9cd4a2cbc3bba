#!/usr/bin/env bash
# Run on the device machine: `frugal demo --profile gpu` (bf16 autocast, larger models; about
# 10 minutes on one H200), after scripts/device/prepare.sh --demo here, carrying build-device/deps
# and build-device/mirror (SQuAD v1.1 dev and SQuADShifts New-Wiki, the gpu profile's data).
# Builds frugal as scripts/device/run.sh does, then runs the demo; results.json, the log and
# the two QA models' configs land in $OUT.
# Through the device tool: run(command="scripts/device/demo.sh", carry=["build-device/deps", "build-device/mirror"], timeout_s=590)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/build-device/out}
mkdir -p "$out"
[ -f "$root/build-device/mirror/squad/dev-v1.1.json" ] || { echo "demo: build-device/mirror is missing: run scripts/device/prepare.sh --demo and carry it"; exit 2; }
"$root/scripts/device/run.sh" --build-only || exit 1
python=${PYTHON:-python3}
torch_lib=$("$python" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$root/build-device/deps/usr/lib/x86_64-linux-gnu:$torch_lib:${LD_LIBRARY_PATH:-}"
work="$root/build-device/demo"
rm -rf "$work"
"$root/build-device/build/frugal" --no-progress --mirror "$root/build-device/mirror" --home "$root/build-device/home" \
  demo --profile gpu --seed "${SEED:-1}" --out "$work" 2>&1 | tee "$out/demo.log"
rc=${PIPESTATUS[0]}
cp "$work/results.json" "$out/" 2>/dev/null
for m in qa-human qa-synthetic_human bert gpt2; do
  [ -f "$work/$m/model/config.json" ] && mkdir -p "$out/$m" && cp "$work/$m/model/config.json" "$out/$m/"
done
exit "$rc"
