#!/usr/bin/env bash
# CI smoke test of the QA-quality experiment scripts on a finished `frugal demo --smoke` run:
# the pretraining-budget sweep (masked LM, ELECTRA and a wider generator, a size planned by relative speed,
# readers from random weights), its rerun after
# a stop between the two phases (the plan kept, phase 1 resumed at its end, not retrained), and
# qa_finetune.sh from a model directory and from a config file, filter_rules.sh, and `qagen keep`
# against the demo's own training sets. Tiny models and two seconds of
# pretraining: it checks that the scripts run and write their tables, not what the numbers are.
# Usage: experiments/qa-quality/smoke.sh DEMO_DIR WORK_DIR   (FRUGAL, FRUGAL_MIRROR as the scripts)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
demo=${1:?usage: smoke.sh DEMO_DIR WORK_DIR}
work=${2:?}
rm -rf "$work" && mkdir -p "$work"
export QA_SEEDS=1 THREADS=1
fail() { echo "qa-quality smoke: $*" >&2; exit 1; }
row() {  # FILE NAME: the table row of NAME
  grep "^| $2 |" "$1" || fail "$1 has no row for $2: $(cat "$1")"
}

sweep=$work/sweep
"$here/budget_sweep.sh" "$demo" "$sweep" 2 1x32 > "$work/mlm.txt"
row "$work/mlm.txt" 1x32 > /dev/null
OBJECTIVE=electra "$here/budget_sweep.sh" "$demo" "$sweep" 2 1x32 > "$work/electra.txt"
row "$work/electra.txt" 1x32-electra | grep -q "generator .*discriminator" || fail "the ELECTRA row has no generator/discriminator accuracy"
GENERATOR_HIDDEN=16 OBJECTIVE=electra "$here/budget_sweep.sh" "$demo" "$sweep" 2 1x32 > "$work/electra-g16.txt"
row "$work/electra-g16.txt" 1x32-electra-g16 > /dev/null
grep -q "generator hidden 16 x" "$sweep/1x32-electra-g16/phase1.log" || fail "GENERATOR_HIDDEN did not reach the generator"
# Equal time by relative speed: 2x32 planned from 1x32's plan (one round of calibrations each).
REFERENCE=1x32 ROUNDS=1 "$here/budget_sweep.sh" "$demo" "$sweep" 2 2x32 > "$work/relative.txt"
row "$work/relative.txt" 2x32 > /dev/null
python3 - "$sweep/2x32/plan.json" "$sweep/1x32/plan.json" <<'PY' || fail "REFERENCE: a wrong plan: $(cat "$sweep/2x32/plan.json")"
import json, sys
plan, ref = (json.load(open(p)) for p in sys.argv[1:])
assert plan["reference"] == "1x32" and len(plan["calibration_rounds"]) == 1, plan
r = plan["calibration_rounds"][0]
assert abs(plan["speed_ratio"] - r["steps_per_s"] / r["reference_steps_per_s"]) < 1e-3, plan
assert plan["phase1_steps"] == max(50, int(ref["phase1_steps"] * plan["speed_ratio"])), (plan, ref)
PY
READER_FROM=none "$here/budget_sweep.sh" "$demo" "$sweep" 2 1x32 > "$work/none.txt"
row "$work/none.txt" 1x32 > /dev/null
[ -f "$sweep/1x32/score-none-seed-1.json" ] || fail "no reader from random weights"

# A stop after phase 1: the rerun keeps the plan and the config file, resumes phase 1 at its last
# step (nothing retrained) and finishes phase 2 and the scores.
plan=$(cat "$sweep/1x32/plan.json")
config_mtime=$(stat -c %Y "$sweep/1x32/config.json")
steps1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phase1_steps"])' "$sweep/1x32/plan.json")
rm -r "$sweep/1x32/pretrain.json" "$sweep/1x32/phase2" "$sweep/1x32"/score-phase2-seed-1.json
"$here/budget_sweep.sh" "$demo" "$sweep" 2 1x32 > "$work/rerun.txt"
[ "$(cat "$sweep/1x32/plan.json")" = "$plan" ] || fail "the rerun changed the plan"
[ "$(stat -c %Y "$sweep/1x32/config.json")" = "$config_mtime" ] || fail "the rerun rewrote config.json (its checkpoints would not resume)"
grep -q "resumed from .*step-0*$steps1 " "$sweep/1x32/phase1.log" || fail "phase 1 was not resumed at step $steps1"
row "$work/rerun.txt" 1x32 > /dev/null

"$here/qa_finetune.sh" "$demo" "$work/finetune-dir" "$sweep/1x32/phase2/model" 1e-3:1 > "$work/finetune-dir.txt"
"$here/qa_finetune.sh" "$demo" "$work/finetune-config" "$sweep/1x32/config.json" 1e-3:1 > "$work/finetune-config.txt"
for t in finetune-dir finetune-config; do
  [ "$(grep -c '^| 1e-3 | 1 |' "$work/$t.txt")" = 1 ] || fail "qa_finetune.sh ($t) wrote no row: $(cat "$work/$t.txt")"
done
# filter_rules.sh on a copy of the run (it writes rules/ into the run): a rule that keeps every
# pair (kept and drawn are then the same pairs) and one that keeps none (no readers, no row).
rules_run=$work/rules-run
mkdir -p "$rules_run/generated" "$rules_run/parts"
cp "$demo/results.json" "$rules_run/" && cp "$demo/generated/filtered.jsonl" "$rules_run/generated/" && cp "$demo/parts/C.json" "$rules_run/parts/"
ln -s "$(cd "$demo" && pwd)/bert" "$rules_run/bert"  # the run's own encoder: the readers start from it
RULES="f1:0 f1:1,prob:1" "$here/filter_rules.sh" "$rules_run" > "$work/rules.txt" 2> "$work/rules.err"
read -r kept drawn < <(row "$work/rules.txt" "rules-run | f1:0" | awk -F'|' '{print $5, $6}')
[ "$kept" = "$drawn" ] || fail "filter_rules.sh: keeping every pair, the kept and drawn readers differ ($kept vs $drawn)"
grep -q "f1:1,prob:1 keeps no pair" "$work/rules.err" || fail "filter_rules.sh: no word on the rule that keeps nothing: $(cat "$work/rules.err")"
# qagen keep under the run's own rule re-derives the demo's own training sets byte for byte: the
# kept pairs and its control (as many unfiltered pairs, drawn with the run's seed).
read -r mode threshold seed < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["filter"]["mode"], r["filter"].get("f1_threshold", 0.5), r["seed"])' "$demo/results.json")
"${FRUGAL:-$here/../../build/frugal}" qagen keep --input "$demo/generated/filtered.jsonl" --out "$work/rekept.jsonl" --mode "$mode" \
  --f1-threshold "$threshold" --squad-out "$work/kept.json" --draw-out "$work/drawn.json" --seed "$seed" > "$work/keep.json"
cmp "$work/rekept.jsonl" "$demo/generated/filtered.jsonl" || fail "qagen keep under the run's rule changed its verdicts"
cmp "$work/kept.json" "$demo/generated/synthetic.json" || fail "qagen keep's kept pairs are not the demo's"
cmp "$work/drawn.json" "$demo/parts/synthetic-random.json" || fail "qagen keep's draw is not the demo's control"
echo "qa-quality smoke: passed"
