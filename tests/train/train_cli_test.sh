#!/usr/bin/env bash
# End-to-end trainer checks through the CLI (tiny BERT, a few seconds each):
#  1. a run stopped after step 7 (--stop-after, as on SIGTERM) and resumed ends with the same
#     weights, byte for byte, as a run never stopped;
#  2. the same with a real SIGTERM at an arbitrary moment (exit code 143, checkpoint written);
#  3. data parallel: `frugal launch --nproc 2` with batch B per rank reaches the same weights as
#     one process with batch B and --grad-accum 2 (same global batch of 2B), within 1e-6;
#  4. ELECTRA: stopped and resumed equals straight (the generator's samples included), the
#     discriminator it leaves is a BertModel that the independent reference implementation
#     (tests/nn/reference_models.py, HF's names and equations) loads and agrees with, and a QA
#     model with lexical-match features fine-tunes from it and answers;
#  5. --time-budget: the planned run (paused at its warm-up's end and planned again) equals a
#     --steps run of the plan's steps, byte for byte (the calibration and the pause leave no trace
#     in the model); so does a --schedule wsd run, planned again until its cooldown; a stopped run resumes its plan without
#     calibrating again; --steps beside it caps the plan; a changed budget, or neither option,
#     exits 2; ELECTRA plans too.
# Usage: train_cli_test.sh FRUGAL VOCAB_TXT PYTHON WORKDIR
set -euo pipefail
frugal=$1 vocab=$2 python=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
for i in $(seq 1 400); do
  echo "the quick brown fox number $i jumps over the lazy dog while the cat watches from the window"
  echo "a second sentence about learning words from little data, line $i"
  [ $((i % 7)) -eq 0 ] && echo ""
done > corpus.txt
echo '{"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
       "max_position_embeddings": 64}' > model.json
common=(pretrain mlm --corpus corpus.txt --tokenizer "$vocab" --model-config model.json --max-length 32
        --batch-size 8 --seed 3 --window 64 --log-every 1 --lr 1e-3)
compare() {  # max |a - b| over every tensor of two model.safetensors files
  "$python" - "$1" "$2" "$3" <<'PY'
import sys, os
sys.path.insert(0, os.environ["REFDIR"])
import reference_models as r
a, b = r.read_safetensors(sys.argv[1]), r.read_safetensors(sys.argv[2])
assert a.keys() == b.keys()
d = max((a[k] - b[k]).abs().max().item() for k in a)
print(f"max |diff| {d:.3g} (tolerance {sys.argv[3]})")
sys.exit(0 if d <= float(sys.argv[3]) else 1)
PY
}

echo "== 1. stop after step 7 and resume"
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 20 --out straight > /dev/null 2>&1
set +e
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 20 --out resumed --stop-after 7 > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 143 ] || { echo "expected exit code 143 after --stop-after, got $rc"; exit 1; }
[ -d resumed/checkpoints/step-000000007 ] || { echo "no checkpoint at step 7"; exit 1; }
[ ! -e resumed/model ] || { echo "an interrupted run must not write the final model"; exit 1; }
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 20 --out resumed > resumed.log 2>&1
grep -q "resumed from" resumed.log || { echo "the second run did not resume"; cat resumed.log; exit 1; }
cmp straight/model/model.safetensors resumed/model/model.safetensors
echo "identical weights"

echo "== 2. SIGTERM at an arbitrary moment, then resume"
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 120 --out long > /dev/null 2>&1
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 120 --out killed > killed.log 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  [ -s killed/metrics.jsonl ] && [ "$(wc -l < killed/metrics.jsonl)" -ge 10 ] && break
  sleep 0.05
done
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
if [ "$rc" -eq 143 ]; then
  ls killed/checkpoints | grep -q step- || { echo "no checkpoint after SIGTERM"; exit 1; }
  echo "stopped at $(cat killed/checkpoints/latest)"
  "$frugal" --no-progress --threads 1 "${common[@]}" --steps 120 --out killed > /dev/null 2>&1
else
  echo "run finished before the signal (rc $rc); comparing anyway"
fi
cmp long/model/model.safetensors killed/model/model.safetensors
echo "identical weights"

echo "== 3. two data-parallel workers vs one process with accumulation"
"$frugal" --no-progress --threads 1 "${common[@]}" --steps 15 --grad-accum 2 --no-resume --out single > /dev/null 2>&1
"$frugal" --no-progress launch --nproc 2 --threads-per-proc 1 -- frugal --no-progress "${common[@]}" --steps 15 --no-resume \
  --out ddp > ddp.log 2>&1 || { cat ddp.log; exit 1; }
compare single/model/model.safetensors ddp/model/model.safetensors 1e-6
echo "ok"

echo "== 4. ELECTRA: resume, the discriminator as a BERT, QA with lexical-match features from it"
electra=(pretrain electra --corpus corpus.txt --tokenizer "$vocab" --model-config model.json --max-length 32
         --batch-size 8 --seed 3 --window 64 --log-every 1 --lr 1e-3 --eval corpus.txt --eval-batches 2)
"$frugal" --no-progress --threads 1 "${electra[@]}" --steps 12 --out electra > electra.log 2>&1 || { cat electra.log; exit 1; }
set +e
"$frugal" --no-progress --threads 1 "${electra[@]}" --steps 12 --stop-after 5 --out electra-resumed > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 143 ] || { echo "expected exit code 143 after --stop-after, got $rc"; exit 1; }
"$frugal" --no-progress --threads 1 "${electra[@]}" --steps 12 --out electra-resumed > /dev/null 2>&1
cmp electra/electra/model.safetensors electra-resumed/electra/model.safetensors
cmp electra/model/model.safetensors electra-resumed/model/model.safetensors
grep -q '"generator_loss"' electra/metrics.jsonl || { echo "no generator_loss in the metrics"; exit 1; }
tail -1 electra.log | grep -q '"discriminator_accuracy"' || { echo "no held-out discriminator accuracy"; tail -3 electra.log; exit 1; }
"$frugal" --no-progress --threads 1 eval mlm --model electra/electra --text corpus.txt --max-length 32 --seed 7 > electra-eval.json
grep -q '"discriminator_accuracy"' electra-eval.json && grep -q '"accuracy"' electra-eval.json \
  || { echo "eval mlm of an ELECTRA model: $(cat electra-eval.json)"; exit 1; }
grep -q '"BertModel"' electra/model/config.json || { echo "the discriminator is not a BertModel"; cat electra/model/config.json; exit 1; }
printf '{"input_ids": [101, 1996, 4248, 2829, 102]}\n{"input_ids": [101, 1037, 102]}\n' > electra-ids.jsonl
"$frugal" --no-progress --threads 1 model forward --model electra/model --input electra-ids.jsonl --output electra-out.safetensors \
  --batch-size 2 > /dev/null
"$python" - electra/model electra-out.safetensors <<'PY'
import sys, os
sys.path.insert(0, os.environ["REFDIR"])
import torch
import reference_models as r
got = r.read_safetensors(sys.argv[2])
ids, mask = got["input_ids"], got["attention_mask"]
ref = r.forward(sys.argv[1], ids, torch.zeros_like(ids), mask)
d = (got["last_hidden_state"] - ref["last_hidden_state"].float()).abs().max().item()
print(f"discriminator vs reference BertModel: max |diff| {d:.3g}")
sys.exit(0 if d <= 1e-5 else 1)
PY
# A shippable copy: bf16 weights, half the bytes, the same architecture (loading converts back).
"$frugal" --no-progress model convert --model electra/model --dtype bf16 --out electra-bf16 > /dev/null
"$frugal" --no-progress model info electra-bf16 | grep -q "BF16" || { echo "model convert wrote no bf16 tensors"; exit 1; }
[ -f electra-bf16/vocab.txt ] || { echo "model convert lost the tokenizer"; exit 1; }
[ "$(stat -c %s electra-bf16/model.safetensors)" -lt "$(( $(stat -c %s electra/model/model.safetensors) * 6 / 10 ))" ] \
  || { echo "bf16 weights are not about half the size"; exit 1; }
cat > qa.json <<'JSON'
{"version": "1.1", "data": [{"title": "t", "paragraphs": [
 {"context": "The quick brown fox jumps over the lazy dog while the cat watches from the window.",
  "qas": [{"id": "q1", "question": "What does the cat watch from?", "answers": [{"text": "the window", "answer_start": 71}]},
          {"id": "q2", "question": "What does the fox jump over?", "answers": [{"text": "the lazy dog", "answer_start": 31}]}]}]}]}
JSON
"$frugal" --no-progress --threads 1 qa train --train qa.json --init electra/model --lexical-match --epochs 3 --batch-size 2 \
  --max-length 48 --stride 16 --seed 3 --out qa > qa.log 2>&1 || { cat qa.log; exit 1; }
grep -q '"lexical_match_types": 180' qa/model/config.json || { echo "the QA model lost its lexical-match features"; exit 1; }
"$frugal" --no-progress --threads 1 qa predict --model qa/model --data qa.json --out qa-pred.json --max-length 48 --stride 16 > /dev/null
grep -q '"q1"' qa-pred.json || { echo "no predictions"; exit 1; }
echo "ok"

echo "== 5. --time-budget"
# A 60-step warm-up: the run pauses there and plans again from the rate it kept.
budget=(--eval corpus.txt --eval-batches 2 --warmup-steps 60)
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --time-budget 6 --out budget > budget.log 2>&1 || { cat budget.log; exit 1; }
plan_steps() { "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"])' "$1"; }
steps=$(plan_steps budget/plan.json)
tail -1 budget.log | grep -q "\"steps\":$steps," || { echo "the run did not train the plan's $steps steps"; tail -1 budget.log; exit 1; }
grep -q '"time_budget"' budget.log || { echo "no time_budget in the summary"; exit 1; }
"$python" -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["first_steps"] > 0 and p["kept_steps_per_s"] > 0 and p["warmup_steps"] == 60, p' \
  budget/plan.json || { echo "the run was not planned again at the warm-up's end"; cat budget/plan.json; exit 1; }
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --steps "$steps" --out budget-steps > /dev/null 2>&1
cmp budget/model/model.safetensors budget-steps/model/model.safetensors
echo "$steps planned steps (first plan $("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["first_steps"])' budget/plan.json)): the same weights as --steps $steps --warmup-steps 60"
# --schedule wsd: planned again every tenth of the run until the cooldown (the last fifth);
# every pause before the cooldown's start, and the same weights as the --steps run.
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --schedule wsd --time-budget 6 --out budget-wsd > budget-wsd.log 2>&1 \
  || { cat budget-wsd.log; exit 1; }
steps=$(plan_steps budget-wsd/plan.json)
"$python" - budget-wsd/plan.json <<'PY' || { echo "the wsd run's plans are wrong"; cat budget-wsd/plan.json; exit 1; }
import json, sys
p = json.load(open(sys.argv[1]))
at = [r["at"] for r in p["replans"]]
n = p["steps"]
cooldown_start = n - min(round(0.2 * n), n - 60)
assert at and at[0] == 60 and all(b - a >= 60 for a, b in zip(at, at[1:])), at
assert at[-1] <= cooldown_start, (at, n)
# One plan after the warm-up leaves a second pause unless the cooldown starts before step 120.
assert len(at) >= 2 or cooldown_start < 120, (at, n)
print(f"wsd: {n} steps, planned again after steps {at}")
PY
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --schedule wsd --steps "$steps" --out budget-wsd-steps > /dev/null 2>&1
cmp budget-wsd/model/model.safetensors budget-wsd-steps/model/model.safetensors
expect_exit_2() {
  set +e
  "$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" "$@" > exit2.log 2>&1
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || { echo "expected exit code 2 for $*, got $rc"; cat exit2.log; exit 1; }
}
expect_exit_2 --cooldown 0.3 --steps 10 --out budget-cooldown  # --cooldown without --schedule wsd
grep -q "schedule wsd" exit2.log || { echo "no word of --schedule wsd: $(cat exit2.log)"; exit 1; }
[ ! -e budget-cooldown ] || { echo "a refused run left budget-cooldown"; exit 1; }
set +e
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --time-budget 6 --stop-after 5 --out budget-resumed > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 143 ] || { echo "expected exit code 143 after --stop-after, got $rc"; exit 1; }
planned=$(plan_steps budget-resumed/plan.json)
expect_exit_2 --time-budget 7 --out budget-resumed
grep -q "planned for --time-budget 6" exit2.log || { echo "no word of the plan's budget: $(cat exit2.log)"; exit 1; }
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --time-budget 6 --steps 10 --out budget-capped > capped.log 2>&1
tail -1 capped.log | grep -q '"steps":10,' || { echo "--steps 10 beside --time-budget did not cap the plan"; tail -1 capped.log; exit 1; }
expect_exit_2 --out budget-neither
expect_exit_2 --time-budget 6 --out budget-steps  # its checkpoint is a --steps run's
# 0.1m: a budget with a unit, the same 6 s
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --time-budget 0.1m --out budget-resumed > resumed.log 2>&1
grep -q "resuming the plan" resumed.log && ! grep -q "calibrating" resumed.log || { echo "the resumed run planned again"; cat resumed.log; exit 1; }
tail -1 resumed.log | grep -q "\"steps\":$planned," || { echo "the resumed run did not train its plan's $planned steps"; exit 1; }
# The length of a finished budget run may change like any run's: --steps alone continues it.
"$frugal" --no-progress --threads 1 "${common[@]}" "${budget[@]}" --steps $((planned + 5)) --out budget-resumed > longer.log 2>&1 \
  || { echo "--steps alone did not continue the budget run"; cat longer.log; exit 1; }
tail -1 longer.log | grep -Eq "\"steps\":$((planned + 5))[,}]" || { echo "the continued run did not reach $((planned + 5)) steps"; exit 1; }
"$frugal" --no-progress --threads 1 "${electra[@]}" --time-budget 4 --out electra-budget > electra-budget.log 2>&1 \
  || { cat electra-budget.log; exit 1; }
steps=$(plan_steps electra-budget/plan.json)
tail -1 electra-budget.log | grep -q "\"steps\":$steps," || { echo "ELECTRA did not train its plan's $steps steps"; exit 1; }
echo "ok"
