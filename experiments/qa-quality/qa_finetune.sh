#!/usr/bin/env bash
# How hard to fine-tune the QA reader: B's human questions from one encoder, at each
# "LR:EPOCHS" setting given, scored on C (held out) and on B itself (does it fit its own data?),
# on the parts of a finished `frugal demo` run.
# Usage: experiments/qa-quality/qa_finetune.sh DEMO_DIR WORK_DIR INIT LR:EPOCHS...   (SEED, FRUGAL override;
#   QA_FLAGS adds qa train options, e.g. QA_FLAGS=--lexical-match). INIT is a model directory, or a
#   BertConfig JSON file for a randomly initialised reader (its WordPiece vocabulary: TOKENIZER,
#   default models/bert/vocab.txt).
#   experiments/qa-quality/qa_finetune.sh runs/demo runs/qa-ft models/bert 3e-4:2 1e-3:2 1e-3:4
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
demo=$(cd "$1" && pwd)
mkdir -p "$2" && work=$(cd "$2" && pwd)
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
# f and reader_start (INIT: a model directory or a BertConfig file)
source "$root/experiments/qa-quality/demo_rows.sh"
reader_start "$3"
shift 3
seed=${SEED:-1}
echo "| lr | epochs | seconds (train) | EM / F1 on C | EM / F1 on B (its training data) |"
echo "|---|---|---|---|---|"
for setting in "$@"; do
  lr=${setting%%:*} epochs=${setting##*:}
  dir="$work/lr$lr-ep$epochs"
  start=$(date +%s.%N)
  f qa train --train "$demo/parts/B.json" "${reader_start_args[@]}" --epochs "$epochs" --batch-size 16 --lr "$lr" --seed "$seed" \
    --no-resume --max-length 256 --stride 64 ${QA_FLAGS:-} --out "$dir" > "$dir.log" 2>&1 || { tail -n 3 "$dir.log"; exit 1; }
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  for part in C B; do
    f qa predict --model "$dir/model" --data "$demo/parts/$part.json" --out "$dir/pred-$part.json" --max-length 256 --stride 64 > /dev/null
    f eval squad "$demo/parts/$part.json" "$dir/pred-$part.json" > "$dir/score-$part.json"
  done
  python3 - "$dir" "$lr" "$epochs" "$seconds" <<'PY'
import json, sys
d, lr, ep, s = sys.argv[1:]
c, b = (json.load(open(f"{d}/score-{p}.json")) for p in "CB")
print(f"| {lr} | {ep} | {float(s):.0f} | {c['exact_match']:.2f} / {c['f1']:.2f} | {b['exact_match']:.2f} / {b['f1']:.2f} |")
PY
done
