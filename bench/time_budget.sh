#!/usr/bin/env bash
# How well `pretrain mlm --time-budget` keeps its budget: for each BUDGET (seconds, or 15m, 2h), a
# masked-LM run of the 2 x 128 BERT of the budget sweep (models/bert's size and recipe: 128 tokens
# x 32, lr 1e-3, held-out evaluation at the end) on CORPUS, timed whole process (`time`, libtorch's
# loading included) and by the command itself (its summary's "seconds"), with the rates planned
# (the calibration's, and the run's own at its last plan when it planned again) against the rate
# the run kept (its metrics). SCHEDULE=wsd trains with --schedule wsd: the run plans again every tenth of
# it until its cooldown ("plans": how many times it planned after the calibration).
# Usage: bench/time_budget.sh CORPUS HELD_OUT BUDGET...   (env FRUGAL, THREADS (default 2), SCHEDULE (default linear))
#   CORPUS / HELD_OUT: e.g. `frugal data corpus --source squad-v1.1-dev,squadshifts-new-wiki,tydiqa-goldp-en,newsqa-dev
#   --out corpus.txt --held-out held.txt --held-out-every 100` (experiments/qa-quality/budget_sweep.sh's corpus)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
corpus=$(realpath "${1:?usage: time_budget.sh CORPUS HELD_OUT BUDGET...}") held=$(realpath "${2:?}")
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive
echo '{"hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 512, "max_position_embeddings": 256}' \
  > "$work/config.json"
printf "%-8s %-7s %8s %10s %12s %14s %14s %6s %12s %10s\n" budget schedule steps "wall s" "command s" "calibrated /s" "last plan /s" plans \
  "kept /s" "over"
run=0
for budget in "$@"; do
  run=$((run + 1))
  out=$work/run-$run
  start=$(date +%s.%N)
  "$frugal" --no-progress --threads "${THREADS:-2}" pretrain mlm --tokenizer "$root/models/bert/vocab.txt" --corpus "$corpus" \
    --model-config "$work/config.json" --seed 1 --lr 1e-3 --batch-size 32 --max-length 128 --eval "$held" --eval-batches 20 \
    --schedule "${SCHEDULE:-linear}" --time-budget "$budget" --out "$out" > "$out.log" 2>&1 || { tail -n 3 "$out.log"; exit 1; }
  wall=$(echo "$(date +%s.%N) - $start" | bc -l)
  python3 - "$out" "$wall" "$budget" "${SCHEDULE:-linear}" <<'PY'
import json, sys
out, wall, label, schedule = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
summary = json.loads(open(out + ".log").read().strip().splitlines()[-1])
plan = summary["time_budget"]
lines = [json.loads(l) for l in open(out + "/metrics.jsonl") if "steps_per_s" in l]
seconds = sum((b["step"] - a["step"]) / b["steps_per_s"] for a, b in zip(lines, lines[1:]))
kept = (lines[-1]["step"] - lines[0]["step"]) / seconds
last = f"{plan['kept_steps_per_s']:.2f}" if plan.get("kept_steps_per_s") else "-"
print(f"{label:<8} {schedule:<7} {summary['steps']:>8} {wall:>10.1f} {summary['seconds']:>12.1f} {plan['steps_per_s']:>14.2f} {last:>14} "
      f"{len(plan.get('replans', [])):>6} {kept:>12.2f} {100 * (wall / plan['budget_s'] - 1):>+9.1f}%")
PY
done
