#!/usr/bin/env bash
# Which round-trip rule makes the filter worth its cost? For finished `frugal demo` runs, re-applies
# other keep rules to the filter's verdicts already in generated/filtered.jsonl (each generated
# pair with the filter reader's answer, its F1 against the generated answer and its probability),
# so no model is retrained but the readers: for each rule, a reader on the pairs it keeps and one
# on as many unfiltered pairs (drawn with the run's seed), with the run's reader recipe (its
# profile's epochs; batch 16, lr 1e-3, lexical-match features, 256 tokens, stride 64, from the
# run's --init encoder), each scored on part C. The run's own rule is its results.json rows.
# Rules: f1:T (F1 >= T), exact (normalised exact match), f1:T,prob:P (and the filter reader's
# probability >= P). Reruns skip finished readers.
# Usage: experiments/qa-quality/filter_rules.sh RUN_DIR...   (RULES="f1:0.8 exact f1:0.5,prob:0.5", FRUGAL override;
#   a run stopped once its filter had run, without results.json: SEED, INIT (its --init) and EPOCHS)
#   experiments/qa-quality/filter_rules.sh /tmp/runs/full-2h/seed-1
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
export OMP_WAIT_POLICY=passive
# f and train_and_score (the demo's reader recipe)
source "$root/experiments/qa-quality/demo_rows.sh"
rules=${RULES:-f1:0.8 exact f1:0.5,prob:0.5}
for run in "$@"; do
  run=$(cd "$run" && pwd)
  if [ -f "$run/results.json" ]; then
    read -r seed init epochs < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
init = r["pretrain"].removeprefix("init:") if r["pretrain"].startswith("init:") else sys.argv[2]
print(r["seed"], init, {"full": 4, "gpu": 4}.get(r["profile"], 2))
' "$run/results.json" "$run")
  else  # a run stopped after its filter: say what it was
    seed=${SEED:?SEED, INIT and EPOCHS for a run without results.json} init=${INIT:?} epochs=${EPOCHS:?}
  fi
  bert=$init/bert
  [ -f "$bert/config.json" ] || bert=$run/bert/model
  mkdir -p "$run/rules"
  for rule in $rules; do
    dir=$run/rules/${rule//[:,]/-}
    mkdir -p "$dir"
    # kept.json (the rule's pairs) and random.json (as many of all generated pairs), SQuAD v1.1
    python3 - "$run/generated/filtered.jsonl" "$rule" "$seed" "$dir" <<'PY'
import json, random, sys
path, rule, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
tests = []
for part in rule.split(","):
    name, _, value = part.partition(":")
    if name == "f1":
        tests.append(lambda r, t=float(value): r["f1"] >= t)
    elif name == "exact":
        tests.append(lambda r: r["exact"])
    elif name == "prob":
        tests.append(lambda r, t=float(value): r["qa_probability"] >= t)
    else:
        sys.exit(f"filter_rules: unknown rule part '{part}' (f1:T, exact, prob:P)")
records = [json.loads(line) for line in open(path)]
def squad(rows):
    data = []
    for line, r in rows:
        title = r.get("title") or "synthetic"
        if not data or data[-1]["title"] != title:
            data.append({"title": title, "paragraphs": []})
        paragraphs = data[-1]["paragraphs"]
        if not paragraphs or paragraphs[-1]["context"] != r["context"]:
            paragraphs.append({"context": r["context"], "qas": []})
        paragraphs[-1]["qas"].append({"id": f"syn-{r['paragraph_id']}-{line}", "question": r["question"],
                                      "answers": [{"text": r["answer"], "answer_start": r["answer_start"]}]})
    return {"version": "1.1", "data": data}
indexed = list(enumerate(records, 1))
kept = [x for x in indexed if all(t(x[1]) for t in tests)]
drawn = random.Random(seed).sample(indexed, len(kept))
drawn.sort(key=lambda x: x[0])
json.dump(squad(kept), open(f"{out}/kept.json", "w"))
json.dump(squad(drawn), open(f"{out}/random.json", "w"))
json.dump({"rule": rule, "kept": len(kept), "generated": len(records)}, open(f"{out}/rule.json", "w"))
PY
    if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kept"])' "$dir/rule.json")" = 0 ]; then
      echo "filter_rules: $rule keeps no pair of $run: no readers" >&2
      continue
    fi
    for set in kept random; do
      [ -f "$dir/score-$set.json" ] && continue
      (cd "$dir" && EPOCHS=$epochs train_and_score "$set" "$bert" "$seed" "$run" "$dir/$set.json") \
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
