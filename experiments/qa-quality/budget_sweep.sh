#!/usr/bin/env bash
# The pretraining-budget sweep (issue 16): which encoder width/depth, given a fixed wall-time
# budget of masked-LM pretraining on this machine, gives the best QA reader?
# For each size "LAYERSxHIDDEN" (heads hidden/64, at least 2; FFN 4 x hidden; 256 positions):
#   calibrate  a 120-step run measures steps/s (from step 40) at 128 tokens x 32 (the machine as it is now);
#   pretrain   the shipped recipe scaled to the budget: phase 1 at 128 tokens x 32 for ~10/11 of it,
#              phase 2 at 256 tokens x 16 (trains positions 128-255, which QA windows use) for the
#              rest, as steps = budget x steps/s (the learning-rate schedule needs a step count);
#   score      held-out masked-token accuracy (eval mlm --seed 7: the same positions for every size),
#              then QA readers on B's human questions with lexical-match features (the default
#              demo's reader: 2 epochs, lr 1e-3, batch 16, 256 tokens, stride 64), one per QA seed,
#              scored on C (held out).
# Corpus: the English QA contexts on the mirror, every 100th document held out (as models/bert);
# tokenizer: models/bert/vocab.txt (trained on that corpus). DEMO_DIR is a finished default demo
# run (its parts/B.json and parts/C.json). Reruns skip finished steps.
# Usage: experiments/qa-quality/budget_sweep.sh DEMO_DIR WORK_DIR BUDGET_SECONDS LxH...
#   QA_SEEDS (default "1 2 3"), SEED (pretraining, default 1), THREADS (default 2), FRUGAL override;
#   READER_FROM=phase1 starts the readers from phase 1's encoder instead (does phase 2 matter?),
#   READER_FROM=none from random weights of the same size (does pretraining matter?).
#   OBJECTIVE=electra pretrains by ELECTRA's replaced-token detection instead (the same budget,
#   phases, learning rate and readers; the generator a quarter of the width; readers start from
#   the discriminator) into WORK/LxH-electra: ELECTRA vs masked LM at equal wall time. Its held-out
#   score is the generator's masked-token accuracy and the discriminator's replaced-token accuracy.
#   GENERATOR_HIDDEN=N (with OBJECTIVE=electra) gives the generator N hidden units instead (heads
#   N/64, at least 1; FFN 4 x N), into WORK/LxH-electra-gN.
#   SCHEDULE=wsd pretrains both phases with the warm-up-stable-decay schedule (the peak, then a
#   linear cooldown over the last fifth) instead of linear decay, into WORK/LxH[-electra]-wsd; give
#   it the linear row's plan.json for equal steps.
#   REFERENCE=NAME plans by relative speed instead of one absolute rate: NAME is a size already
#   planned in WORK_DIR (e.g. 2x128, 2x128-electra, 2x128-electra-g64; its plan.json), and this
#   size gets NAME's steps x (this size's steps/s / NAME's), both measured by the 120-step
#   calibration, alternating, ROUNDS times (default 3; the median of the rounds' ratios). Equal
#   time with a row trained on another machine, or on this one in a faster hour, is equal steps
#   in proportion, not this hour's absolute rate (the 2-hour rows, docs/results.md).
#   experiments/qa-quality/budget_sweep.sh /tmp/runs/seeds/seed-1 /tmp/runs/budget-900 900 2x64 2x128 4x128 4x256
#   REFERENCE=2x128 experiments/qa-quality/budget_sweep.sh /tmp/runs/seeds/seed-1 /tmp/runs/budget-7200 7200 4x128
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
demo=$(cd "${1:?usage: budget_sweep.sh DEMO_DIR WORK_DIR BUDGET_SECONDS LxH...}" && pwd)
mkdir -p "${2:?}" && work=$(cd "$2" && pwd)
budget=${3:?}
shift 3
seed=${SEED:-1}
threads=${THREADS:-2}
vocab=$root/models/bert/vocab.txt
export OMP_WAIT_POLICY=passive FRUGAL_THREADS=$threads
# f and train_and_score (the default demo's reader recipe)
source "$root/experiments/qa-quality/demo_rows.sh"
cd "$work"
if [ ! -f held.txt ]; then
  f data corpus --source squad-v1.1-dev,squadshifts-new-wiki,tydiqa-goldp-en,newsqa-dev --out corpus.txt \
    --held-out held.txt --held-out-every 100
fi
objective=${OBJECTIVE:-mlm}
case "$objective" in mlm) suffix="" ;; electra) suffix=-electra ;; *) echo "OBJECTIVE: mlm or electra" >&2; exit 2 ;; esac
generator_hidden=${GENERATOR_HIDDEN:-}
if [ -n "$generator_hidden" ]; then
  [ "$objective" = electra ] || { echo "GENERATOR_HIDDEN needs OBJECTIVE=electra" >&2; exit 2; }
  suffix=-electra-g$generator_hidden
fi
schedule=${SCHEDULE:-linear}
case "$schedule" in linear) ;; wsd) suffix=$suffix-wsd ;; *) echo "SCHEDULE: linear or wsd" >&2; exit 2 ;; esac
# pretrain_as OBJECTIVE ARGS...: the sweep's recipe (tokenizer, corpus, seed, lr) under OBJECTIVE.
pretrain_as() { local obj=$1; shift; f pretrain "$obj" --tokenizer "$vocab" --corpus "$work/corpus.txt" --seed "$seed" --lr 1e-3 "$@"; }
pretrain() { pretrain_as "$objective" --schedule "$schedule" "$@"; }
# calibrate OUT OBJECTIVE CONFIG [GENERATOR_CONFIG]: the 120-step run; prints its steady steps/s.
calibrate() {
  local out=$1 obj=$2 config=$3 generator=${4:-}
  local extra=()
  [ -n "$generator" ] && extra=(--generator-config "$generator")
  pretrain_as "$obj" --model-config "$config" "${extra[@]}" \
    --steps 120 --batch-size 32 --max-length 128 --log-every 10 --no-resume --out "$out" > "$out.log" 2>&1 || { tail -n 3 "$out.log" >&2; return 1; }
  steady_rate "$out/metrics.jsonl"
}
# what phase 2 and eval mlm continue from: the MLM model, or ELECTRA's generator + discriminator pair
pair() { [ "$objective" = electra ] && echo "$1/electra" || echo "$1/model"; }
# Steps/s from step 40 on: the first steps of a run are ~20% faster than its steady state.
steady_rate() { python3 -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1]) if "steps_per_s" in l and json.loads(l)["step"] >= 40]; print((L[-1]["step"]-L[0]["step"])/(L[-1]["time"]-L[0]["time"]))' "$1"; }
# Training seconds from metrics logs (each line's steps over its interval's rate), so that time
# spent stopped between a stop and the resume is not counted.
train_seconds() {
  python3 - "$@" <<'PY'
import json, statistics, sys
total = 0.0
for path in sys.argv[1:]:
    steps = [m for m in map(json.loads, open(path)) if "steps_per_s" in m]
    gaps = [b["step"] - a["step"] for a, b in zip(steps, steps[1:]) if b["step"] > a["step"]]
    interval = statistics.median(gaps) if gaps else steps[0]["step"]
    for prev, m in zip([None] + steps, steps):
        # a line's steps_per_s covers the steps since the line before (or since the resume)
        done = m["step"] - prev["step"] if prev and m["step"] > prev["step"] else min(interval, m["step"])
        total += done / m["steps_per_s"]
print(round(total, 1))
PY
}

# write_if_changed FILE TEXT: FILE is rewritten only when TEXT differs, because a resumed run's
# checkpoint is tied to its config files as they were.
write_if_changed() {
  echo "$2" > "$1.new"
  cmp -s "$1.new" "$1" && rm "$1.new" || mv "$1.new" "$1"
}

# plan_relative DIR REFERENCE: DIR's plan.json from REFERENCE's (WORK/REFERENCE/plan.json) by the
# two models' relative speed, measured side by side now (see the usage above).
plan_relative() {
  local dir=$1 ref=$work/$2
  [ -f "$ref/plan.json" ] || { echo "REFERENCE: no $ref/plan.json (a size planned in $work)" >&2; exit 2; }
  [ "$ref" != "$dir" ] || { echo "REFERENCE: $2 is the size being planned" >&2; exit 2; }
  local ref_objective=mlm ref_generator=""
  case "$(basename "$ref")" in *-electra*) ref_objective=electra ;; esac
  [ -f "$ref/generator.json" ] && ref_generator=$ref/generator.json
  local ratios=() round mine theirs
  for round in $(seq 1 "${ROUNDS:-3}"); do
    theirs=$(calibrate "$dir/calibrate-reference-$round" "$ref_objective" "$ref/config.json" "$ref_generator") || exit 1
    mine=$(calibrate "$dir/calibrate-$round" "$objective" "$dir/config.json" "${generator_args[1]:-}") || exit 1
    echo "calibration round $round: $(basename "$dir") $mine, $(basename "$ref") $theirs steps/s"
    ratios+=("$mine/$theirs")
  done
  python3 - "$ref/plan.json" "$dir/plan.json" "$(basename "$ref")" "${ratios[@]}" <<'PY'
import json, os, statistics, sys
ref_path, out, ref_name, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
ref = json.load(open(ref_path))
rates = [tuple(map(float, p.split("/"))) for p in pairs]
ratio = round(statistics.median(m / t for m, t in rates), 4)
steps1 = max(50, int(ref["phase1_steps"] * ratio))
plan = {"calibrated_steps_per_s": round(ref["calibrated_steps_per_s"] * ratio, 3), "phase1_steps": steps1, "phase2_steps": steps1 // 10,
        "reference": ref_name, "speed_ratio": ratio, "calibration_rounds": [{"steps_per_s": m, "reference_steps_per_s": t} for m, t in rates]}
json.dump(plan, open(out + ".tmp", "w"), indent=1)
os.replace(out + ".tmp", out)
print(f"plan: {ref_name}'s {ref['phase1_steps']} + {ref['phase2_steps']} steps x {ratio:.3f} (median of {len(rates)} rounds) = {steps1} + {steps1 // 10}")
PY
}

for size in "$@"; do
  layers=${size%x*} hidden=${size#*x}
  heads=$(( hidden / 64 < 2 ? 2 : hidden / 64 ))
  dir=$work/$size$suffix
  mkdir -p "$dir"
  write_if_changed "$dir/config.json" "{\"hidden_size\": $hidden, \"num_hidden_layers\": $layers, \"num_attention_heads\": $heads, \"intermediate_size\": $(( 4 * hidden )), \"max_position_embeddings\": 256}"
  generator_args=()
  if [ -n "$generator_hidden" ]; then
    write_if_changed "$dir/generator.json" "{\"hidden_size\": $generator_hidden, \"num_attention_heads\": $(( generator_hidden / 64 < 1 ? 1 : generator_hidden / 64 )), \"intermediate_size\": $(( 4 * generator_hidden ))}"
    generator_args=(--generator-config "$dir/generator.json")
  fi
  if [ ! -f "$dir/pretrain.json" ]; then
    if [ ! -f "$dir/plan.json" ] && [ -n "${REFERENCE:-}" ]; then
      plan_relative "$dir" "$REFERENCE"
    elif [ ! -f "$dir/plan.json" ]; then
      rate=$(calibrate "$dir/calibrate" "$objective" "$dir/config.json" "${generator_args[1]:-}") || exit 1
      steps1=$(python3 -c "print(max(50, int($budget * $rate * 10 / 11)))")
      echo "{\"calibrated_steps_per_s\": $rate, \"phase1_steps\": $steps1, \"phase2_steps\": $(( steps1 / 10 ))}" > "$dir/plan.json.tmp"
      mv "$dir/plan.json.tmp" "$dir/plan.json"
    fi
    # The plan is kept: a rerun after a stop resumes both phases from their checkpoints with the same schedule.
    read -r rate steps1 steps2 < <(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["calibrated_steps_per_s"], p["phase1_steps"], p["phase2_steps"])' "$dir/plan.json")
    pretrain --model-config "$dir/config.json" "${generator_args[@]}" --steps "$steps1" --batch-size 32 --max-length 128 --save-every $(( steps1 / 20 + 1 )) \
      --out "$dir/phase1" >> "$dir/phase1.log" 2>&1 || { tail -n 3 "$dir/phase1.log"; exit 1; }
    pretrain --init "$(pair "$dir/phase1")" --steps "$steps2" --batch-size 16 --max-length 256 --save-every $(( steps2 / 5 + 1 )) \
      --out "$dir/phase2" >> "$dir/phase2.log" 2>&1 || { tail -n 3 "$dir/phase2.log"; exit 1; }
    seconds=$(train_seconds "$dir/phase1/metrics.jsonl" "$dir/phase2/metrics.jsonl")
    f eval mlm --model "$(pair "$dir/phase2")" --text held.txt --max-length 128 --seed 7 > "$dir/eval-mlm.json"
    params=$(f model info "$dir/phase2/model" | awk '/^parameters:/ {print $2}')
    python3 - "$dir" "$rate" "$steps1" "$steps2" "$seconds" "$params" <<'PY'
import json, sys
d, rate, s1, s2, secs, params = sys.argv[1:]
ev = json.load(open(f"{d}/eval-mlm.json"))
json.dump({"calibrated_steps_per_s": float(rate), "phase1_steps": int(s1), "phase2_steps": int(s2),
           "seconds": float(secs), "parameters": int(params), "eval_mlm": ev}, open(f"{d}/pretrain.json", "w"), indent=1)
PY
  fi
  reader=${READER_FROM:-phase2}
  init=$dir/$reader/model
  [ "$reader" = none ] && init=$dir/config.json  # a config file: random weights
  for qa_seed in ${QA_SEEDS:-1 2 3}; do
    [ -f "$dir/score-$reader-seed-$qa_seed.json" ] && continue
    (cd "$dir" && TOKENIZER=$vocab EPOCHS=2 train_and_score "$reader-seed-$qa_seed" "$init" "$qa_seed" "$demo" "$demo/parts/B.json") \
      || { tail -n 3 "$dir/qa-$reader-seed-$qa_seed.log"; exit 1; }
  done
done

# The table: every size in WORK_DIR that has finished.
python3 - "$work" "$budget" "${READER_FROM:-phase2}" <<'PY'
import glob, json, os, statistics, sys
work, budget, reader = sys.argv[1], sys.argv[2], sys.argv[3]
print(f"Pretraining budget {budget} s per encoder; readers from {reader}.\n")
print("| encoder (layers x hidden) | parameters (MLM head incl.) | steps (128 + 256 tokens) | pretraining s | held-out masked-token accuracy | QA F1 on C, mean (min-max) | EM on C, mean |")
print("|---|---|---|---|---|---|---|")
def key(d):
    size, _, objective = os.path.basename(d).partition("-")
    l, h = size.split("x")
    return (int(h), int(l), objective)
for d in sorted((d for d in glob.glob(f"{work}/*x*") if os.path.isfile(f"{d}/pretrain.json")), key=key):
    p = json.load(open(f"{d}/pretrain.json"))
    scores = [json.load(open(s)) for s in sorted(glob.glob(f"{d}/score-{reader}-seed-*.json"))]
    if not scores:
        continue
    f1 = [s["f1"] for s in scores]
    em = [s["exact_match"] for s in scores]
    ev = p["eval_mlm"]
    acc = f"{100 * ev['accuracy']:.2f}%"
    if "discriminator_accuracy" in ev:  # ELECTRA: the generator's masked-token and the discriminator's replaced-token accuracy
        acc = (f"generator {100 * ev['generator_accuracy']:.2f}%; discriminator {100 * ev['discriminator_accuracy']:.2f}% "
               f"({100 * ev['replaced_fraction']:.1f}% replaced)")
    print(f"| {os.path.basename(d)} | {p['parameters']:,} | {p['phase1_steps']} + {p['phase2_steps']} | {p['seconds']:.0f} | "
          f"{acc} | {statistics.mean(f1):.2f} ({min(f1):.2f}-{max(f1):.2f}, {len(f1)} seeds) | {statistics.mean(em):.2f} |")
PY
