#!/usr/bin/env bash
# `frugal distill train` against the same model and loop in PyTorch 1.13 eager
# (bench/distill_train_peer.py), side by side in one run (issue 12's goal: not slower). The
# seed's student: 3-layer BiLSTM 384 per direction, locked dropout 0.25, attention pooling,
# MLP 512 + batch norm, 300-d embeddings; batch 64, MSE on a teacher's logits, AdamW, clip 1.0;
# the same 13,440 SST-2 training rows (210 batches) with the same token ids. frugal's rate is
# its metrics' steps_per_s after the first log window; the peer's after 10 warm-up steps.
# Usage: bench/distill_side_by_side.sh [THREADS...]   (FRUGAL=build/frugal, MIRROR=../shared/data)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${MIRROR:-$root/../shared/data}
vocab=$mirror/vocab/bert-base-uncased/vocab.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
head -n 13441 "$mirror/sst2/train.tsv" > rows.tsv
tail -n +2 rows.tsv | cut -f1 > sentences.txt
"$frugal" --no-progress tokenize --tokenizer "$vocab" --input sentences.txt --output ids.txt --format ids
# A teacher for the logits (its speed is not measured): a small random BERT classifier.
echo '{"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 128,
       "id2label": {"0": "0", "1": "1"}}' > teacher.json
"$frugal" --no-progress model init --arch bert --head cls --model-config teacher.json --seed 1 --out teacher > /dev/null
cp "$vocab" teacher/vocab.txt
"$frugal" --no-progress distill label --teacher teacher --input rows.tsv --out rows.logits.safetensors 2> /dev/null
echo '{"embedding_dim": 300}' > student.json
threads_list=("$@")
[ ${#threads_list[@]} -gt 0 ] || threads_list=(1 2)
for threads in "${threads_list[@]}"; do
  rm -rf student
  "$frugal" --no-progress --threads "$threads" distill train --train rows.tsv --logits rows.logits.safetensors --arch lstm \
    --model-config student.json --batch-size 64 --epochs 1 --log-every 10 --seed 1 --out student > /dev/null 2>&1
  python3 - student/metrics.jsonl "$threads" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"steps_per_s"' in l]
rates = [r["steps_per_s"] for r in rows[1:]]
sps = sum(rates) / len(rates)
print(f"frugal distill train: {len(rows) * 10} steps of 64, {64 * sps:.1f} rows/s, {1000 / sps:.1f} ms/step (threads {sys.argv[2]})")
PY
  /usr/bin/python3 "$root/bench/distill_train_peer.py" --ids ids.txt --threads "$threads" --steps 200
done
