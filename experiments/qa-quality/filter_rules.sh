#!/usr/bin/env bash
# Which round-trip rule makes the filter worth its cost? For finished `frugal demo` runs, re-applies
# other keep rules to the filter's verdicts already in generated/filtered.jsonl (each generated
# pair with the filter reader's answer, its F1 against the generated answer and its probability),
# so no model is retrained but the readers: for each rule (`frugal qagen keep`), a reader on the
# pairs it keeps and one on as many unfiltered pairs (drawn with the run's seed, as the demo draws
# its own), with the run's reader recipe (results.json's "reader": epochs, batch, lr, window;
# lexical-match features, stride 64, from the run's --init encoder), each scored on part C. The
# run's own rule is its results.json rows.
# Rules: f1:T (F1 >= T), exact (normalised exact match), f1:T,prob:P (and the filter reader's
# probability >= P). Reruns skip finished readers.
# Usage: experiments/qa-quality/filter_rules.sh RUN_DIR...   (RULES="f1:0.8 exact f1:0.5,prob:0.5", FRUGAL override;
#   a run stopped once its filter had run, without results.json: SEED, INIT (its --init) and EPOCHS;
#   a results.json from before the reader recipe was recorded: EPOCHS)
#   experiments/qa-quality/filter_rules.sh /tmp/runs/full-2h/seed-1
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
export OMP_WAIT_POLICY=passive
# f and train_and_score (the demo's reader recipe)
source "$root/experiments/qa-quality/demo_rows.sh"
rules=${RULES:-f1:0.8 exact f1:0.5,prob:0.5}
# the same JSON value (key order aside), or the second file is missing
same_json() { [ -f "$2" ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$1" "$2"; }
for run in "$@"; do
  run=$(cd "$run" && pwd)
  if [ -f "$run/results.json" ]; then
    # the run's seed, --init and reader recipe (results.json's "reader"; EPOCHS for runs from before it was recorded)
    read -r seed init epochs batch lr length < <(python3 -c '
import json, os, sys
r = json.load(open(sys.argv[1]))
init = r["pretrain"].removeprefix("init:") if r["pretrain"].startswith("init:") else sys.argv[2]
reader = r.get("reader") or {"epochs": os.environ.get("EPOCHS") or sys.exit(f"{sys.argv[1]} records no reader recipe: set EPOCHS"),
                             "batch_size": 16, "lr": 1e-3, "max_length": 256}
print(r["seed"], init, reader["epochs"], reader["batch_size"], reader["lr"], reader["max_length"])
' "$run/results.json" "$run")
  else  # a run stopped after its filter: say what it was
    seed=${SEED:?SEED, INIT and EPOCHS for a run without results.json} init=${INIT:?} epochs=${EPOCHS:?} batch=16 lr=1e-3 length=256
  fi
  bert=$init/bert
  [ -f "$bert/config.json" ] || bert=$run/bert/model
  bert=$(cd "$bert" && pwd)  # the readers train in the rule's directory
  mkdir -p "$run/rules"
  for rule in $rules; do
    dir=$run/rules/${rule//[:,]/-}
    mkdir -p "$dir"
    # kept.json (the rule's pairs) and random.json (as many of all generated pairs, drawn as the demo draws its control)
    mode=f1 threshold=0 probability=0
    for part in ${rule//,/ }; do
      case "$part" in
        f1:*) threshold=${part#f1:} ;;
        exact) mode=exact ;;
        prob:*) probability=${part#prob:} ;;
        *) echo "filter_rules: unknown rule part '$part' (f1:T, exact, prob:P)" >&2; exit 2 ;;
      esac
    done
    f qagen keep --input "$run/generated/filtered.jsonl" --out "$dir/filtered.jsonl" --mode "$mode" --f1-threshold "$threshold" \
      --min-probability "$probability" \
      --squad-out "$dir/kept.new.json" --draw-out "$dir/random.new.json" --seed "$seed" > "$dir/keep.json"
    for set in kept random; do  # a reader is redone when its pairs changed (a rerun with another rule or draw)
      if same_json "$dir/$set.new.json" "$dir/$set.json"; then rm "$dir/$set.new.json"; else mv "$dir/$set.new.json" "$dir/$set.json" && rm -f "$dir/score-$set.json"; fi
    done
    python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); json.dump({"rule": sys.argv[2], "kept": k["kept"], "generated": k["questions"]}, open(sys.argv[3], "w"))' \
      "$dir/keep.json" "$rule" "$dir/rule.json"
    if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kept"])' "$dir/rule.json")" = 0 ]; then
      echo "filter_rules: $rule keeps no pair of $run: no readers" >&2
      continue
    fi
    for set in kept random; do
      [ -f "$dir/score-$set.json" ] && continue
      (cd "$dir" && EPOCHS=$epochs READER_BATCH=$batch READER_LR=$lr READER_MAX_LENGTH=$length train_and_score "$set" "$bert" "$seed" "$run" "$dir/$set.json") \
        || { tail -n 3 "$dir/qa-$set.log"; exit 1; }
    done
  done
done

# The table: each run's own rule (its results.json), then every rule re-applied.
python3 - "$@" <<'PY'
import glob, json, os, sys
print("| run | rule | kept | F1 on C, kept pairs | F1 on C, as many unfiltered | kept - unfiltered |")
print("|---|---|---|---|---|---|")
for run in sys.argv[1:]:
    if os.path.isfile(f"{run}/results.json"):
        r = json.load(open(f"{run}/results.json"))
        f = r["filter"]
        own = f"f1:{f['f1_threshold']:g}" if f["mode"] == "f1" else f["mode"]
        kf, rf = r["synthetic_filtered"]["f1"], r["synthetic_random"]["f1"]
        print(f"| {os.path.basename(run)} | {own} (the run's) | {100 * r['kept_fraction']:.1f}% | {kf:.2f} | {rf:.2f} | {kf - rf:+.2f} |")
    for d in sorted(glob.glob(f"{run}/rules/*")):
        if not all(os.path.isfile(f"{d}/{x}") for x in ("rule.json", "score-kept.json", "score-random.json")):
            continue
        rule = json.load(open(f"{d}/rule.json"))
        kf, rf = (json.load(open(f"{d}/score-{s}.json"))["f1"] for s in ("kept", "random"))
        print(f"| {os.path.basename(run)} | {rule['rule']} | {100 * rule['kept'] / rule['generated']:.1f}% | {kf:.2f} | {rf:.2f} | {kf - rf:+.2f} |")
PY
