#!/usr/bin/env bash
# End-to-end trainer checks through the CLI (tiny BERT, a few seconds each):
#  1. a run stopped after step 7 (--stop-after, as on SIGTERM) and resumed ends with the same
#     weights, byte for byte, as a run never stopped;
#  2. the same with a real SIGTERM at an arbitrary moment (exit code 143, checkpoint written);
#  3. data parallel: `frugal launch --nproc 2` with batch B per rank reaches the same weights as
#     one process with batch B and --grad-accum 2 (same global batch of 2B), within 1e-6.
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
