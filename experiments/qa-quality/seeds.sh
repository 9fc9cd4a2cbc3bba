#!/usr/bin/env bash
# The demo over several seeds (issue 16: one seed is not enough for a claim): runs
# `frugal demo` once per seed into WORK_DIR/seed-N and prints, for each row of the demo's table,
# the mean EM/F1 over the seeds with the spread (min–max), the kept fraction, the wall time, and
# whether synthetic + human beat human alone on every seed.
# Usage: experiments/qa-quality/seeds.sh WORK_DIR [demo options...]   (SEEDS="1 2 3", FRUGAL override)
#   experiments/qa-quality/seeds.sh runs/seeds                 # default profile (shipped models/ when present)
#   experiments/qa-quality/seeds.sh runs/seeds-scratch --from-scratch
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
work=${1:?usage: seeds.sh WORK_DIR [demo options...]}
shift
mkdir -p "$work"
for seed in ${SEEDS:-1 2 3}; do
  if [ -f "$work/seed-$seed/results.json" ]; then echo "seed $seed: done before ($work/seed-$seed)"; continue; fi
  echo "seed $seed ..."
  "$frugal" --mirror "$mirror" --no-progress demo --seed "$seed" --out "$work/seed-$seed" "$@" > "$work/seed-$seed.log" 2>&1 \
    || { echo "seed $seed failed: $work/seed-$seed.log"; tail -5 "$work/seed-$seed.log"; exit 1; }
done
python3 - "$work" ${SEEDS:-1 2 3} <<'PY'
import json, sys, statistics
work, seeds = sys.argv[1], sys.argv[2:]
runs = [json.load(open(f"{work}/seed-{s}/results.json")) for s in seeds]
rows = ["baseline", "human", "synthetic_unfiltered", "synthetic_filtered", "synthetic_random", "synthetic_human",
        "synthetic_random_human", "synthetic_then_human"]
def stat(vals):
    return f"{statistics.mean(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})"
print(f"seeds {', '.join(seeds)}; profile {runs[0]['profile']}; pretraining {runs[0]['pretrain']}; "
      f"questions {runs[0].get('question_generator', 'gpt2')}; "
      f"{runs[0]['held_out_questions']} held-out questions")
print("| trained on | questions (mean) | EM mean (min–max) | F1 mean (min–max) |")
print("|---|---|---|---|")
for r in rows:
    if r not in runs[0]:
        continue
    q = statistics.mean(x[r]["questions"] for x in runs)
    print(f"| {r} | {q:.0f} | {stat([x[r]['em'] for x in runs])} | {stat([x[r]['f1'] for x in runs])} |")
kept = [100 * x["kept_fraction"] for x in runs]
secs = [x["seconds"] for x in runs]
print(f"kept: {stat(kept)} %; wall time: {stat(secs)} s")
gain = [x["synthetic_human"]["f1"] - x["human"]["f1"] for x in runs]
over = [x["human"]["f1"] - x["baseline"]["f1"] for x in runs]
print(f"synthetic_human - human F1: {stat(gain)} (positive on {sum(g > 0 for g in gain)} of {len(gain)} seeds)")
print(f"human - baseline F1: {stat(over)}")
if all("synthetic_random_human" in x for x in runs):
    control = [x["synthetic_random_human"]["f1"] - x["human"]["f1"] for x in runs]
    print(f"control (as many unfiltered + human) - human F1: {stat(control)}")
if all("synthetic_then_human" in x for x in runs):
    staged = [x["synthetic_then_human"]["f1"] - x["human"]["f1"] for x in runs]
    print(f"staged (unfiltered, then human) - human F1: {stat(staged)} (positive on {sum(g > 0 for g in staged)} of {len(staged)} seeds)")
    ratio = [100 * x["synthetic_unfiltered"]["f1"] / x["human"]["f1"] for x in runs]
    print(f"synthetic unfiltered / human F1: {stat(ratio)} %")
PY
