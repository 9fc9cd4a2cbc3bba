#!/usr/bin/env bash
# Every stage of the synthetic-QA pipeline on ~20 paragraphs with tiny models, in about a minute:
# the end-to-end check run by the tests (ctest qagen_pipeline_smoke).
# Usage: experiments/synthetic-qa/smoke.sh WORK_DIR   (FRUGAL, FRUGAL_MIRROR override)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
python=${PYTHON:-python3}
work=${1:?work dir}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
f() { "$frugal" --no-progress --mirror "$mirror" --threads 2 "$@"; }
"$python" "$root/experiments/synthetic-qa/split.py" parts "$mirror/squad/dev-v1.1.json" --parts A:1,B:1,C:1 --max-articles 6
f data corpus --source squad-v1.1-dev --max-documents 300 --out corpus.txt
f tokenize train --type wordpiece --vocab-size 2000 --corpus corpus.txt --out wp > /dev/null
f tokenize train --type bpe --vocab-size 2000 --corpus corpus.txt --special-tokens '<|endoftext|>,<sep>' --out bpe > /dev/null
echo '{"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 256}' > bert.json
echo '{"n_embd": 32, "n_layer": 1, "n_head": 2, "n_positions": 320}' > gpt2.json
f pretrain mlm --corpus corpus.txt --tokenizer wp/vocab.txt --model-config bert.json --steps 20 --batch-size 8 --seed 1 --out bert > /dev/null
f pretrain lm --corpus corpus.txt --tokenizer bpe --model-config gpt2.json --steps 20 --batch-size 8 --seed 1 --out gpt2 > /dev/null
f qa train --train parts/A.json --dev parts/C.json --init bert/model --epochs 1 --max-length 192 --stride 64 --batch-size 16 --lr 1e-3 --seed 1 --out qa
f qa predict --model qa/model --data parts/C.json --max-length 192 --stride 64 --out preds.json --nbest nbest.json
f eval squad parts/C.json preds.json
f qagen train-answers --train parts/A.json --dev parts/C.json --init bert/model --epochs 1 --max-length 192 --batch-size 8 --lr 1e-3 --seed 1 --out answers
f qagen train-questions --train parts/A.json --init gpt2/model --epochs 1 --batch-size 8 --lr 1e-3 --seed 1 --out questions
"$python" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
# ~20 paragraphs of part B
data = json.load(open(f"{work}/parts/B.json"))
paras = [p["context"] for a in data["data"] for p in a["paragraphs"]][:20]
open(f"{work}/paragraphs.txt", "w").write("\n".join(paras) + "\n")
json.dump({"paragraphs": "paragraphs.txt", "work_dir": "gen", "answer_model": "answers/model",
           "question_model": "questions/model", "filter_model": "qa/model", "max_length": 192, "stride": 64, "chunk": 8,
           "answers": {"per_context": 3, "top_p": 0.9, "seed": 1},
           "questions": {"per_answer": 2, "top_p": 0.9, "max_new_tokens": 16, "seed": 1},
           "filter": {"mode": "f1", "f1_threshold": 0.3}}, open(f"{work}/pipeline.json", "w"), indent=1)
PY
f qagen run --config pipeline.json
f squad validate gen/synthetic-unfiltered.json
# The rule-based generator in the same pipeline: no question model, a cloze question per answer.
"$python" - "$work" <<'PY'
import json, sys
p = json.load(open(f"{sys.argv[1]}/pipeline.json"))
del p["question_model"]
p.update({"work_dir": "gen-cloze", "question_generator": "cloze", "cloze": {"words_each_side": 8}})
json.dump(p, open(f"{sys.argv[1]}/pipeline-cloze.json", "w"), indent=1)
PY
f qagen run --config pipeline-cloze.json
f squad validate gen-cloze/synthetic-unfiltered.json
[ "$(wc -l < gen-cloze/questions.jsonl)" -gt 40 ] || { echo "cloze: too few questions"; exit 1; }
# A stage killed after its second chunk resumes and ends with the same bytes as an uninterrupted run.
f qagen questions --model questions/model --input gen/answers.jsonl --per-answer 2 --seed 1 --chunk 8 --out q-straight.jsonl > /dev/null
set +e
FRUGAL_TEST_CRASH_AFTER_CHUNK=2 "$frugal" --no-progress qagen questions --model questions/model --input gen/answers.jsonl \
  --per-answer 2 --seed 1 --chunk 8 --out q-killed.jsonl > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 137 ] && [ -f q-killed.jsonl.partial ] && [ ! -f q-killed.jsonl ] || { echo "expected a killed stage (rc $rc)"; exit 1; }
f qagen questions --model questions/model --input gen/answers.jsonl --per-answer 2 --seed 1 --chunk 8 --out q-killed.jsonl > /dev/null
cmp q-straight.jsonl q-killed.jsonl
# Every stage's bytes are batch-, shard-, chunk- and thread-invariant: shards 2 and 3 together,
# chunks of 4 and 64, one thread, and a run beside a CPU-bound job all give the unsharded bytes.
invariant() {
  local name=$1; shift
  f "$@" --chunk 8 --out "inv-$name.jsonl" > /dev/null
  for n in 2 3; do
    for ((i = 0; i < n; i++)); do f "$@" --chunk 8 --shard "$i/$n" --out "inv-$name-$i-of-$n.jsonl" > /dev/null; done
    cmp <(sort "inv-$name.jsonl") <(cat "inv-$name"-*-of-$n.jsonl | sort) || { echo "$name: shards of $n differ"; exit 1; }
  done
  for chunk in 4 64; do
    f "$@" --chunk $chunk --out "inv-$name-chunk$chunk.jsonl" > /dev/null
    cmp "inv-$name.jsonl" "inv-$name-chunk$chunk.jsonl" || { echo "$name: chunk $chunk differs"; exit 1; }
  done
  "$frugal" --no-progress --mirror "$mirror" --threads 1 "$@" --chunk 8 --out "inv-$name-threads1.jsonl" > /dev/null
  cmp "inv-$name.jsonl" "inv-$name-threads1.jsonl" || { echo "$name: one thread differs"; exit 1; }
  (end=$((SECONDS + 60)); while [ $SECONDS -lt $end ]; do :; done) &
  local load=$!
  f "$@" --chunk 8 --out "inv-$name-loaded.jsonl" > /dev/null
  kill $load 2> /dev/null || true
  wait $load 2> /dev/null || true
  cmp "inv-$name.jsonl" "inv-$name-loaded.jsonl" || { echo "$name: run under load differs"; exit 1; }
}
invariant answers qagen answers --model answers/model --input paragraphs.txt --per-context 3 --max-length 192 --seed 1
invariant questions qagen questions --model questions/model --input inv-answers.jsonl --per-answer 2 --max-new-tokens 16 --seed 1
invariant filter qagen filter --model qa/model --input inv-questions.jsonl
invariant cloze qagen cloze --input inv-answers.jsonl
invariant copy qagen questions --model questions/model --input inv-answers.jsonl --per-answer 2 --max-new-tokens 16 --seed 1 --copy-bonus 3
! cmp -s inv-questions.jsonl inv-copy.jsonl || { echo "--copy-bonus changed nothing"; exit 1; }
# --disjoint: no two answers of a paragraph share a character (offsets in code points).
f qagen answers --model answers/model --input paragraphs.txt --per-context 6 --max-length 192 --seed 1 --disjoint --out disjoint.jsonl > /dev/null
"$python" - disjoint.jsonl <<'PY'
import collections, json, sys
spans = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    spans[r["paragraph_id"]].append((r["answer_start"], r["answer_start"] + len(r["answer"])))
assert spans, "no answers"
for pid, s in spans.items():
    s.sort()
    assert all(a[1] <= b[0] for a, b in zip(s, s[1:])), f"{pid}: overlapping answers {s}"
print(f"disjoint: {sum(map(len, spans.values()))} answers in {len(spans)} paragraphs, none overlapping")
PY
# A finished stage is reused only by the same run, and says so; another seed is refused.
expect_refusal() {  # PATTERN COMMAND...: exit code 2 with PATTERN on stderr
  local pattern=$1; shift
  set +e
  "$@" > /dev/null 2> refusal.txt
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] && grep -q -- "$pattern" refusal.txt || { echo "expected exit 2 and '$pattern' from: $*"; cat refusal.txt; exit 1; }
}
answers=(qagen answers --model answers/model --input paragraphs.txt --per-context 3 --max-length 192 --chunk 8 --out inv-answers.jsonl)
f "${answers[@]}" --seed 1 2>&1 > /dev/null | grep -q "is finished (same input, model and options): skipped"
expect_refusal "was made by another run (--seed was 1, now 2)" f "${answers[@]}" --seed 2
echo '{"data": [{"title": "t", "paragraphs": "oops"}]}' > malformed.json
expect_refusal "data\[0\].paragraphs: expected an array" f qagen answers --model answers/model --input malformed.json --out m.jsonl
[ ! -e m.jsonl ] || { echo "malformed SQuAD left an output"; exit 1; }
expect_refusal "exceeds the model's 256 positions" f qa predict --model qa/model --data parts/C.json --max-length 512 --out p.json
# A second run finds every stage finished.
f qagen run --config pipeline.json > rerun.txt
grep -q '"skipped_finished_stage": true' gen/report.json || { echo "finished stages were not skipped"; exit 1; }
f qa train --train gen/synthetic-unfiltered.json --init bert/model --epochs 1 --max-length 192 --batch-size 16 --seed 1 --out qa-synthetic > /dev/null
echo "smoke: ok"
