#!/usr/bin/env bash
# classify train | eval | predict and distill label | train end to end on a small slice of
# SST-2 with tiny models (about a minute): output keys and shapes, scores against
# scikit-learn, a teacher's logits reused and a stale cache refused, students of every arch, a
# from-scratch student better than chance, bad input as one located line with exit code 2.
# Usage: classify_distill_test.sh FRUGAL SST2_DIR VOCAB_TXT PYTHON WORKDIR
set -euo pipefail
frugal=$1 sst2=$2 vocab=$3 python=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work"
f() { "$frugal" --no-progress --threads 1 "$@"; }
source "$(dirname "${BASH_SOURCE[0]}")/cli_checks.sh"

# 2,000 training rows, 200 dev rows (string labels on a copy, to check the label set).
head -n 2001 "$sst2/train.tsv" > train.tsv
head -n 201 "$sst2/dev.tsv" > dev.tsv
awk -F'\t' 'BEGIN{OFS="\t"} NR==1{print; next} {$2 = ($2 == 1 ? "pos" : "neg"); print}' dev.tsv > dev-words.tsv
echo '{"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
       "max_position_embeddings": 64}' > bert-tiny.json
echo '{"embedding_dim": 32, "hidden_size": 32, "classifier_hidden": [32]}' > bilstm-tiny.json

echo "== a BERT teacher, eval and predict"
f classify train --train train.tsv --dev dev.tsv --arch bert --model-config bert-tiny.json --tokenizer "$vocab" \
  --max-length 64 --batch-size 32 --epochs 1 --lr 1e-3 --seed 1 --out teacher > teacher.json
grep -q '"best_dev_accuracy"' teacher.json || fail "no dev accuracy in the summary"
for f in config.json model.safetensors vocab.txt; do [ -f teacher/model/$f ] || fail "teacher/model/$f missing"; done
grep -q '"id2label"' teacher/model/config.json || fail "no id2label in config.json"
f classify eval --model teacher/model --data dev.tsv > eval.json
"$python" - eval.json <<'PY' || fail "eval JSON keys"
import json, sys
j = json.load(open(sys.argv[1]))
assert set(j) == {"accuracy", "macro_f1", "log_loss", "examples"}, j
assert j["examples"] == 200, j
PY
f classify predict --model teacher/model --input dev.tsv --out preds.jsonl
[ "$(wc -l < preds.jsonl)" -eq 200 ] || fail "predict wrote $(wc -l < preds.jsonl) lines, want 200"
# Our scores against scikit-learn's on the same probabilities.
"$python" - preds.jsonl dev.tsv eval.json <<'PY' || fail "scores differ from scikit-learn"
import json, sys
from sklearn.metrics import accuracy_score, f1_score, log_loss
rows = [json.loads(l) for l in open(sys.argv[1])]
truth = [int(l.split("\t")[1]) for l in open(sys.argv[2]).read().splitlines()[1:]]
probs = [r["probs"] for r in rows]
pred = [int(r["prediction"]) for r in rows]
ours = json.load(open(sys.argv[3]))
ref = {"accuracy": accuracy_score(truth, pred), "macro_f1": f1_score(truth, pred, average="macro"),
       "log_loss": log_loss(truth, probs, labels=[0, 1])}
for k, v in ref.items():
    assert abs(ours[k] - v) < 1e-6, (k, ours[k], v)
print("ok: accuracy, macro-F1 and log loss match scikit-learn", {k: round(v, 4) for k, v in ref.items()})
PY
# The same row gives the same probabilities whatever shares its batch and however many threads.
sed -n '1p;102,201p' dev.tsv > dev-tail.tsv
"$frugal" --no-progress --threads 2 classify predict --model teacher/model --input dev-tail.tsv --out tail.jsonl
cmp <(sed -n '101,200p' preds.jsonl) tail.jsonl || fail "predictions depend on the batch or the threads"

echo "== teacher logits: written, reused, stale refused"
f distill label --teacher teacher/model --input train.tsv --out train.logits.safetensors
f distill label --teacher teacher/model --input train.tsv --out train.logits.safetensors 2> reuse.txt
grep -q "up to date" reuse.txt || fail "an up-to-date cache was not reused"
sed '2s/^./X/' train.tsv > train-edited.tsv
expect_error "stale teacher logits" distill label --teacher teacher/model --input train-edited.tsv --out train.logits.safetensors
expect_error "stale teacher logits" distill train --train train-edited.tsv --logits train.logits.safetensors --arch bilstm \
  --model-config bilstm-tiny.json --epochs 1 --seed 1 --out stale

echo "== students: labels only, distilled (mse, soft-ce), every arch, teacher embeddings"
f classify train --train train.tsv --dev dev.tsv --arch bilstm --model-config bilstm-tiny.json --tokenizer "$vocab" \
  --epochs 5 --lr 3e-3 --seed 1 --out labels-only > labels-only.json
f distill train --train train.tsv --logits train.logits.safetensors --arch bilstm --model-config bilstm-tiny.json \
  --dev dev.tsv --epochs 1 --seed 1 --out kd-mse > kd-mse.json
f distill train --train train.tsv --logits train.logits.safetensors --arch bilstm --model-config bilstm-tiny.json \
  --loss soft-ce --temperature 1.5 --alpha 0.5 --epochs 1 --seed 1 --out kd-ce > kd-ce.json
for arch in lstm gru; do
  echo '{"embedding_dim": 16, "hidden_size": 16, "classifier_hidden": [16]}' > $arch-tiny.json
  f distill train --train train.tsv --logits train.logits.safetensors --arch $arch --model-config $arch-tiny.json \
    --embeddings-from teacher/model --freeze-embeddings --epochs 1 --batch-size 64 --seed 1 --out kd-$arch > kd-$arch.json \
    2> kd-$arch.err && fail "$arch: a 16-wide student took 32-wide teacher embeddings" || true
  echo '{"hidden_size": 16, "classifier_hidden": [16]}' > $arch-tiny.json
  f distill train --train train.tsv --logits train.logits.safetensors --arch $arch --model-config $arch-tiny.json \
    --embeddings-from teacher/model --freeze-embeddings --epochs 1 --batch-size 64 --seed 1 --out kd-$arch > kd-$arch.json
  "$python" - teacher/model/model.safetensors kd-$arch/model/model.safetensors <<'PY' || fail "$arch: frozen teacher embeddings changed"
import json, struct, sys
def tensor(path, suffix):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    name = next(k for k in header if k.endswith(suffix))
    a, b = header[name]["data_offsets"]
    return raw[8 + n + a:8 + n + b]
assert tensor(sys.argv[1], "word_embeddings.weight") == tensor(sys.argv[2], "word_embeddings.weight")
PY
  f classify eval --model kd-$arch/model --data dev.tsv > /dev/null
done
echo "== a killed run resumes to the same weights; word2vec embeddings"
set +e
f classify train --train train.tsv --arch bilstm --model-config bilstm-tiny.json --tokenizer "$vocab" --epochs 1 \
  --lr 3e-3 --seed 2 --stop-after 20 --out resumed > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 143 ] || fail "--stop-after exited $rc, want 143"
f classify train --train train.tsv --arch bilstm --model-config bilstm-tiny.json --tokenizer "$vocab" --epochs 1 \
  --lr 3e-3 --seed 2 --out resumed > /dev/null 2>&1
f classify train --train train.tsv --arch bilstm --model-config bilstm-tiny.json --tokenizer "$vocab" --epochs 1 \
  --lr 3e-3 --seed 2 --out straight > /dev/null 2>&1
cmp resumed/model/model.safetensors straight/model/model.safetensors || fail "a resumed run ended with other weights"
{ echo "3 32"; for w in good bad film; do printf '%s' "$w"; for i in $(seq 32); do printf ' 0.5'; done; echo; done; } > w2v.txt
f classify train --train train.tsv --arch bilstm --model-config bilstm-tiny.json --tokenizer "$vocab" --embeddings-from w2v.txt \
  --epochs 1 --seed 1 --stop-after 1 --out w2v > /dev/null 2> w2v.err || true
grep -q "word embeddings: 3 of 30522 tokens found in w2v.txt" w2v.err || fail "word2vec vectors were not read"
echo "3 7" > w2v-bad.txt; echo "good 1 2 3 4 5 6 7" >> w2v-bad.txt
expect_error "w2v-bad.txt:2: 7 values, the embeddings have 32" classify train --train train.tsv --arch bilstm \
  --model-config bilstm-tiny.json --tokenizer "$vocab" --embeddings-from w2v-bad.txt --epochs 1 --seed 1 --out w2v-bad

for run in labels-only kd-mse kd-ce; do f classify eval --model $run/model --data dev.tsv > $run.eval.json; done
f classify eval --model labels-only/model --data dev-words.tsv > /dev/null 2>&1 && fail "string labels the model does not know were accepted" || true
"$python" - labels-only.eval.json <<'PY' || fail "a from-scratch BiLSTM on 2,000 rows is not above chance"
import json, sys
acc = json.load(open(sys.argv[1]))["accuracy"]
print("labels-only BiLSTM dev accuracy", acc)
assert acc > 0.58, acc
PY

echo "== bad input: one located line, exit 2, no output"
printf 'sentence\tlabel\ngood\t1\nragged\n' > ragged.tsv
expect_error "ragged.tsv:3: 1 fields, the header has 2 columns" classify train --train ragged.tsv --arch bilstm \
  --model-config bilstm-tiny.json --tokenizer "$vocab" --epochs 1 --seed 1 --out bad1
[ ! -e bad1/model ] || fail "a ragged file left a model"
printf 'text\tlabel\ngood\t1\n' > nocol.tsv
expect_error "nocol.tsv:1: no column 'sentence'" classify eval --model labels-only/model --data nocol.tsv
printf 'sentence\tlabel\ngood\t1\nfine\t7\n' > unknown.tsv
expect_error "unknown.tsv:3: label '7' is not one the model knows" classify eval --model labels-only/model --data unknown.tsv
printf 'sentence\tlabel\ngood\t1\nbad \xff\t0\n' > utf8.tsv
expect_error "utf8.tsv:3" classify predict --model labels-only/model --input utf8.tsv --out utf8.jsonl
[ ! -e utf8.jsonl ] || fail "invalid UTF-8 left a partial predictions file"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "classify and distill: all checks passed"
