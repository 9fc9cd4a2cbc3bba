#!/usr/bin/env bash
# The generators retrained at another learning rate on finished default-profile demo runs (from
# the shipped models), then each run's pipeline with its own filter: the kept fraction, and QA
# on kept + B's human questions against as many random unfiltered pairs + B (the control).
# Usage: experiments/qa-quality/generator_lr.sh SEEDS_DIR WORK_DIR [LR]   (SEEDS="1 2 3", FRUGAL override)
#   SEEDS_DIR: experiments/qa-quality/seeds.sh's work dir (SEEDS_DIR/seed-N are demo runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
seeds_dir=$(cd "$1" && pwd)
mkdir -p "$2" && work=$(cd "$2" && pwd)
lr=${3:-1e-3}
source "$root/experiments/qa-quality/demo_rows.sh"
for s in ${SEEDS:-1 2 3}; do
  run=$seeds_dir/seed-$s w=$work/seed-$s
  rm -rf "$w" && mkdir -p "$w" && cd "$w"
  f qagen train-answers --train "$run/parts/A.json" --init "$root/models/bert" --epochs 2 --batch-size 16 --lr "$lr" --seed "$s" \
    --no-resume --out answers --max-length 256 --stride 64 > answers.log 2>&1
  f qagen train-questions --train "$run/parts/A.json" --init "$root/models/gpt2" --epochs 2 --batch-size 16 --lr "$lr" --seed "$s" \
    --no-resume --out questions > questions.log 2>&1
  cp "$run"/paragraphs.* "$run/pipeline.json" . && ln -s "$run/filter" filter
  f qagen run --config pipeline.json > run.log 2>&1
  write_training_sets "$s" "$run"
  for name in filtered-human random-human; do train_and_score "$name" "$root/models/bert" "$s" "$run"; done
  python3 - "$s" "$run" <<'PY'
import json, sys
s, run = sys.argv[1:]
r = json.load(open(f"{run}/results.json"))
summary = json.load(open("generated/report.json"))["summary"]
k, c = (json.load(open(f"score-{n}.json"))["f1"] for n in ("filtered-human", "random-human"))
print(f"seed {s}: kept {summary['kept']}/{summary['questions']} (demo's generators: {100 * r['kept_fraction']:.2f}%); "
      f"F1 human {r['human']['f1']:.2f}, kept + human {k:.2f}, as many unfiltered + human {c:.2f}")
PY
done
