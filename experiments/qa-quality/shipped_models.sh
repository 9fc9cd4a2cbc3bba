#!/usr/bin/env bash
# Trains the shipped checkpoints (models/bert, models/gpt2; models/README.md) on two CPU cores:
#   corpus   the English QA contexts on the mirror (SQuAD v1.1 dev, SQuADShifts New-Wiki, TyDi QA
#            English, NewsQA dev), every 100th document held out;
#   vocab    WordPiece 8000 (BERT), byte-level BPE 8000 with <sep> (GPT-2), trained on it;
#   phase 1  BERT masked LM and GPT-2 causal LM side by side, one thread each (on two cores two
#            one-thread jobs do more work than one two-thread job), 128 tokens;
#   phase 2  each continued at 256 tokens (positions 128-255 are used by QA windows and question
#            prompts, so they must be trained), a short fresh schedule;
#   ship     held-out scores (eval mlm / eval lm), then bf16 copies into SHIP_DIR.
# Reruns continue from the checkpoints. Usage:
#   experiments/qa-quality/shipped_models.sh WORK_DIR [SHIP_DIR]   (default SHIP_DIR: models/)
#   BERT_STEPS, GPT2_STEPS, BERT_STEPS_256, GPT2_STEPS_256, SEED, FRUGAL override.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
work=${1:?usage: shipped_models.sh WORK_DIR [SHIP_DIR]}
ship=${2:-$root/models}
seed=${SEED:-1}
mkdir -p "$work" && work=$(cd "$work" && pwd)
cd "$work"
export OMP_WAIT_POLICY=passive  # two one-thread jobs: no spinning on each other's core
f() { "$frugal" --mirror "$mirror" --no-progress "$@"; }
if [ ! -f held.txt ]; then
  f data corpus --source squad-v1.1-dev,squadshifts-new-wiki,tydiqa-goldp-en,newsqa-dev --out corpus.txt \
    --held-out held.txt --held-out-every 100
fi
[ -f wordpiece/vocab.txt ] || f tokenize train --type wordpiece --vocab-size 8000 --corpus corpus.txt --out wordpiece
[ -f bpe/tokenizer.json ] || f tokenize train --type bpe --vocab-size 8000 --corpus corpus.txt --special-tokens '<|endoftext|>,<sep>' --out bpe
# Written once: a rerun resumes only if its inputs are unchanged (size and modification time).
[ -f bert.json ] || echo '{"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 2, "intermediate_size": 512, "max_position_embeddings": 256}' > bert.json
[ -f gpt2.json ] || echo '{"n_embd": 128, "n_layer": 4, "n_head": 2, "n_positions": 320}' > gpt2.json
# Absolute paths: a rerun resumes only a run with the same options, paths included.
mlm() { f --threads 1 pretrain mlm --tokenizer "$work/wordpiece/vocab.txt" --corpus "$work/corpus.txt" --eval "$work/held.txt" --eval-batches 30 --seed "$seed" "$@"; }
lm() { f --threads 1 pretrain lm --tokenizer "$work/bpe" --corpus "$work/corpus.txt" --eval "$work/held.txt" --eval-batches 30 --seed "$seed" "$@"; }
mlm --model-config "$work/bert.json" --eval-every 1000 --steps "${BERT_STEPS:-7000}" --batch-size 32 --max-length 128 --lr 1e-3 \
  --save-every 500 --out "$work/bert" > bert.log 2>&1 &
p1=$!
lm --model-config "$work/gpt2.json" --eval-every 1000 --steps "${GPT2_STEPS:-4500}" --batch-size 16 --max-length 128 --lr 1e-3 \
  --save-every 500 --out "$work/gpt2" > gpt2.log 2>&1 &
p2=$!
wait $p1 || { tail -n 3 bert.log; exit 1; }
wait $p2 || { tail -n 3 gpt2.log; exit 1; }
mlm --init "$work/bert/model" --eval-every 200 --steps "${BERT_STEPS_256:-600}" --batch-size 16 --max-length 256 --lr 3e-4 \
  --save-every 200 --out "$work/bert-256" > bert-256.log 2>&1 &
p1=$!
lm --init "$work/gpt2/model" --eval-every 200 --steps "${GPT2_STEPS_256:-400}" --batch-size 8 --max-length 256 --lr 3e-4 \
  --save-every 200 --out "$work/gpt2-256" > gpt2-256.log 2>&1 &
p2=$!
wait $p1 || { tail -n 3 bert-256.log; exit 1; }
wait $p2 || { tail -n 3 gpt2-256.log; exit 1; }
f eval mlm --model bert-256/model --text held.txt --max-length 128 --seed 7 > bert-eval.json
f eval lm --model gpt2-256/model --text held.txt --max-length 128 > gpt2-eval.json
mkdir -p "$ship"
f model convert --model bert-256/model --dtype bf16 --out "$ship/bert" > /dev/null
f model convert --model gpt2-256/model --dtype bf16 --out "$ship/gpt2" > /dev/null
# The shipped (bf16) weights, scored again: what a user gets.
f eval mlm --model "$ship/bert" --text held.txt --max-length 128 --seed 7 > bert-eval-bf16.json
f eval lm --model "$ship/gpt2" --text held.txt --max-length 128 > gpt2-eval-bf16.json
for j in bert-eval.json bert-eval-bf16.json gpt2-eval.json gpt2-eval-bf16.json; do echo "$j: $(cat "$j")"; done
ls -l "$ship"/bert "$ship"/gpt2
