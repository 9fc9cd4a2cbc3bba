#!/usr/bin/env bash
# What a fault-and-bad-input probe found, as regressions (tiny BERT, a few seconds each): every
# case must end with one located line on stderr and exit code 2, or hold its output intact.
# Usage: bad_input_and_faults_test.sh FRUGAL VOCAB_TXT WORKDIR
set -euo pipefail
frugal=$1 vocab=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
for i in $(seq 1 200); do echo "the quick brown fox number $i jumps over the lazy dog"; done > corpus.txt
echo '{"hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32,
       "max_position_embeddings": 64}' > tiny.json
f() { "$frugal" --no-progress --threads 1 "$@"; }
tiny=(--tokenizer "$vocab" --model-config tiny.json --max-length 32 --batch-size 4)
frugal_options=(--no-progress)
source "$(dirname "${BASH_SOURCE[0]}")/cli_checks.sh"

echo "== empty corpora end with an error, not a hang"
: > empty.txt
printf '\n \n\t\n' > blank.txt
expect_error "empty.txt: no training examples" pretrain mlm --corpus empty.txt "${tiny[@]}" --steps 5 --seed 1 --out e1
expect_error "blank.txt: no training examples" pretrain mlm --corpus blank.txt "${tiny[@]}" --steps 5 --seed 1 --out e2
expect_error "empty.txt: no training examples" pretrain mlm --corpus empty.txt "${tiny[@]}" --epochs 1 --steps 5 --seed 1 --out e3
[ ! -e e3/model ] || { echo "FAIL: an empty corpus saved a model"; failures=$((failures + 1)); }
[ ! -e e1/metrics.jsonl ] || { echo "FAIL: an empty corpus left a metrics file"; failures=$((failures + 1)); }

echo "== the final checkpoint survives a kill while it is replaced, and reruns"
f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out run > /dev/null 2>&1
cp run/model/model.safetensors straight.safetensors
f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out run > /dev/null 2>&1
cmp run/checkpoints/step-000000020/model.safetensors straight.safetensors
if command -v strace > /dev/null; then
  rm -rf killed
  set +e
  strace -f -o /dev/null -e trace=rmdir,rename -e inject=rmdir:signal=KILL -P killed/checkpoints/step-000000020 \
    "$frugal" --no-progress --threads 1 pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out killed > /dev/null 2>&1
  set -e
  f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out killed > /dev/null 2>&1
  cmp killed/model/model.safetensors straight.safetensors
  # latest naming a lost checkpoint: resume from the newest complete one
  echo step-000000030 > killed/checkpoints/latest
  f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out killed > /dev/null 2> err.txt
  grep -q "resuming from step-000000020" err.txt || { echo "FAIL: no fallback to the newest complete checkpoint"; failures=$((failures + 1)); }
  echo "ok: kill during the final save, rerun and fallback"
fi
touch run/checkpoints/.latest.tmp.99999.0
f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --save-every 10 --seed 1 --out run > /dev/null 2>&1
[ ! -e run/checkpoints/.latest.tmp.99999.0 ] || { echo "FAIL: a stale temporary file stayed"; failures=$((failures + 1)); }

echo "== one run per output directory; resume only the same run"
"$frugal" --no-progress --threads 1 pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 100000 --seed 1 --out busy > /dev/null 2>&1 &
busy=$!
for _ in $(seq 1 100); do [ -s busy/.lock ] && break; sleep 0.1; done
expect_error "busy: in use by pid $busy" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 10 --seed 1 --out busy
kill -TERM $busy; wait $busy || true
expect_error "was made by another run (--seed was 1, now 9)" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --seed 9 --out run
expect_error "--batch-size was 4, now 8" pretrain mlm --corpus corpus.txt --tokenizer "$vocab" --model-config tiny.json --max-length 32 --batch-size 8 --steps 20 --seed 1 --out run
cp corpus.txt corpus2.txt
expect_error "was made by another run" pretrain mlm --corpus corpus2.txt "${tiny[@]}" --steps 20 --seed 1 --out run
f pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --seed 9 --no-resume --out run > /dev/null 2>&1
python3 -c "import json; s = json.load(open('run/checkpoints/step-000000020/state.json')); del s['step']; json.dump(s, open('run/checkpoints/step-000000020/state.json', 'w'))"
expect_error "state.json: has no valid 'step'" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 20 --seed 9 --out run

echo "== bad values are refused before any work"
expect_error "lr" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --lr nan --out v1
expect_error "lr" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --lr -1 --out v1
expect_error "warmup" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --warmup 2 --out v1
expect_error "mask-prob" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --mask-prob 2 --out v1
expect_error "threads" --threads -3 pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --out v1
expect_error "prob" mask --tokenizer "$vocab" --input corpus.txt --mode mlm --prob 2 --seed 1 --output m.jsonl
printf 'sentence\tlabel\ngood movie\t1\n' > tiny.tsv
expect_error "p-mask" augment tang --input tiny.tsv --output a.tsv --p-mask -1 --seed 1
expect_error "p-mask" augment tang --input tiny.tsv --output a.tsv --p-mask 2 --seed 1
for bad in '"hidden_dropout_prob": 1.5' '"vocab_size": 100.5' '"vocab_size": 1000000000000' '"vocab_size": 1e12' \
           '"intermediate_size": 100000000, "num_hidden_layers": 2000'; do
  echo "{\"hidden_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 32, $bad}" > bad.json
  sed -i 's/"num_hidden_layers": 1, \(.*"num_hidden_layers": 2000\)/\1/' bad.json
  expect_error "bad.json" model init --arch bert --head mlm --model-config bad.json --out badmodel
done
printf '{"input_ids": [2, 5, 3], "attention_mask": [1, 2, 1]}\n' > ids.jsonl
f model init --arch bert --head mlm --model-config tiny.json --out m0 > /dev/null
expect_error "ids.jsonl:1" model forward --model m0 --input ids.jsonl --output fwd.safetensors
expect_error "out" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --out /proc/x
expect_error "corpus.txt" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --out corpus.txt
cmp corpus.txt corpus2.txt

echo "== qagen keep: verdicts it cannot read, rules it cannot apply"
printf '%s\n' '{"paragraph_id": "a0-p0", "title": "T", "context": "the cat", "answer": "cat", "answer_start": 4, "question": "what?", "f1": 1.0, "exact": true, "qa_probability": 0.9, "kept": true}' \
  '{"paragraph_id": "a0-p0", "title": "T", "context": "the cat", "answer": "cat", "answer_start": 4, "question": "who?", "f1": 0.5, "exact": false, "kept": true}' > verdicts.jsonl
expect_error "verdicts.jsonl:2.*qa_probability.*qagen filter" qagen keep --input verdicts.jsonl --out rekept.jsonl --squad-out kept.json
[ ! -e rekept.jsonl ] && [ ! -e kept.json ] || { echo "FAIL: qagen keep left output after bad input"; failures=$((failures + 1)); }
expect_error "f1_threshold 5 is not in \[0, 1\]" qagen keep --input verdicts.jsonl --out rekept.jsonl --mode f1 --f1-threshold 5
expect_error "filter mode must be exact or f1" qagen keep --input verdicts.jsonl --out rekept.jsonl --mode F1

echo "== outputs that are devices, FIFOs or links"
printf '%s\n' "a line" > lines.txt
f tokenize --tokenizer "$vocab" --input lines.txt --output /dev/null
ln -sf real.txt link.txt
f tokenize --tokenizer "$vocab" --input lines.txt --output link.txt
[ -L link.txt ] && [ -s real.txt ] || { echo "FAIL: the symlink was replaced"; failures=$((failures + 1)); }
mkfifo pipe
cat pipe > from-pipe.txt &
reader=$!
f tokenize --tokenizer "$vocab" --input lines.txt --output pipe
wait $reader
[ -p pipe ] && cmp from-pipe.txt real.txt || { echo "FAIL: the FIFO was replaced"; failures=$((failures + 1)); }
expect_error "cannot" tokenize --tokenizer "$vocab" --input corpus.txt --output /proc/nope/out.txt

echo "== full disk during a checkpoint"
mkdir -p small
if mount -t tmpfs -o size=400k tmpfs small 2> /dev/null; then
  expect_error "No space left on device" pretrain mlm --corpus corpus.txt "${tiny[@]}" --steps 5 --seed 1 --out small/run
  umount small
else
  echo "skipped (cannot mount a small tmpfs here)"
fi

[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
echo "bad input and faults: ok"
