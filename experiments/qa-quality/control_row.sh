#!/usr/bin/env bash
# Adds the synthetic_random_human row (as many unfiltered pairs as the filter kept + B's human
# questions: the control for synthetic_human) to finished `frugal demo` runs made before the demo
# computed it, with the commands the demo runs for that row, and prints each run's F1 of human,
# synthetic_human and the control.
# Usage: experiments/qa-quality/control_row.sh DEMO_DIR...   (FRUGAL override; reads each run's
#   results.json for its seed and --init; the QA options are the default profile's)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
for run in "$@"; do
  run=$(cd "$run" && pwd)
  read -r seed init lexical < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["seed"], r["pretrain"].removeprefix("init:") if r["pretrain"].startswith("init:") else sys.argv[2], int(r["lexical_match"]))
' "$run/results.json" "$run")
  bert=$init/bert
  [ -f "$bert/config.json" ] || bert=$run/bert/model
  python3 - "$run/parts/synthetic-random.json" "$run/parts/B.json" "$run/parts/synthetic-random-human.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
json.dump({"version": "1.1", "data": a["data"] + b["data"]}, open(sys.argv[3], "w"))
PY
  flags=()
  [ "$lexical" = 1 ] && flags+=(--lexical-match)
  "$frugal" --no-progress qa train --train "$run/parts/synthetic-random-human.json" --init "$bert" --epochs 2 --batch-size 16 \
    --lr 0.001 --seed "$seed" --no-resume --out "$run/qa-synthetic_random_human" "${flags[@]}" --max-length 256 --stride 64 \
    > "$run/qa-synthetic_random_human.log" 2>&1
  "$frugal" --no-progress qa predict --model "$run/qa-synthetic_random_human/model" --data "$run/parts/C.json" \
    --out "$run/pred-synthetic_random_human.json" --max-length 256 --stride 64 2> /dev/null
  "$frugal" eval squad "$run/parts/C.json" "$run/pred-synthetic_random_human.json" > "$run/score-synthetic_random_human.json"
  python3 - "$run" <<'PY'
import json, sys
run = sys.argv[1]
r = json.load(open(f"{run}/results.json"))
s = json.load(open(f"{run}/score-synthetic_random_human.json"))
r["synthetic_random_human"] = {"em": s["exact_match"], "f1": s["f1"], "questions": r["human"]["questions"] + r["synthetic_random"]["questions"]}
json.dump(r, open(f"{run}/results.json", "w"), indent=2)
print(f"{run} (seed {r['seed']}): human {r['human']['f1']:.2f}, synthetic_human {r['synthetic_human']['f1']:.2f}, "
      f"control {r['synthetic_random_human']['f1']:.2f} F1")
PY
done
