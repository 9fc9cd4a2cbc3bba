#!/usr/bin/env bash
# Throughput of the synthetic-QA stages with the models of experiments/synthetic-qa/run.sh
# (BERT 4x128 answer and filter models, GPT-2 4x128 question generator), on this machine:
#   questions generated per second with and without the KV cache (same questions: checked),
#   QA predictions per second (frugal qa predict on part C of the experiment),
#   and the per-stage throughput of `frugal qagen run` on N paragraphs of part B.
# Usage: bench/qagen_throughput.sh [EXPERIMENT_DIR] [N]   (default runs/synthetic-qa, 100)
#        env FRUGAL, THREADS (default: all cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
exp=$(cd "${1:-$root/runs/synthetic-qa}" && pwd)
n=${2:-100}
threads=${THREADS:-0}
for m in answers questions filter; do
  [ -f "$exp/$m/model/model.safetensors" ] || { echo "no $exp/$m/model: run experiments/synthetic-qa/run.sh first"; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
f() { "$frugal" --no-progress --threads "$threads" "$@"; }
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }
python3 - "$exp/parts/B.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
paras = [p["context"].replace("\n", " ") for a in d["data"] for p in a["paragraphs"]][: int(sys.argv[2])]
open("paragraphs.txt", "w").write("\n".join(paras) + "\n")
PY
cat > pipeline.json <<JSON
{"paragraphs": "paragraphs.txt", "work_dir": "gen", "answer_model": "$exp/answers/model",
 "question_model": "$exp/questions/model", "filter_model": "$exp/filter/model", "max_length": 256, "stride": 64,
 "chunk": 64, "answers": {"per_context": 5, "top_p": 0.9, "seed": 1},
 "questions": {"per_answer": 2, "top_p": 0.9, "max_new_tokens": 32, "seed": 1}, "filter": {"mode": "exact"}}
JSON
f qagen run --config pipeline.json > run.txt
echo "## qagen run: $n paragraphs (threads: $threads, 0 = all cores)"
python3 - <<'PY'
import json
r = json.load(open("gen/report.json"))
print("| stage | inputs | outputs | seconds | inputs/s |\n|---|---|---|---|---|")
for s in ("answers", "questions", "filter"):
    x = r[s]
    print(f"| {s} | {x['inputs']} | {x['outputs']} | {x['seconds']:.1f} | {x['inputs_per_s']:.2f} |")
s = r["summary"]
print(f"\nwhole pipeline: {s['paragraphs_per_s']:.2f} paragraphs/s; {s['questions']} questions, {s['kept']} kept ({s['kept_percent']:.1f}%)")
PY
# Questions with and without the KV cache: the first 200 answers, 2 questions each.
head -n 200 gen/answers.jsonl > answers200.jsonl
echo
echo "## question generation, 200 answers x 2 questions, up to 32 new tokens"
echo "| KV cache | seconds | questions/s |"
echo "|---|---|---|"
for mode in cache no-cache; do
  flag=$([ $mode = no-cache ] && echo --no-cache || true)
  f qagen questions --model "$exp/questions/model" --input answers200.jsonl --per-answer 2 --top-p 0.9 --seed 1 $flag \
    --out "q-$mode.jsonl" > "q-$mode.stats.json"
  seconds=$(field "q-$mode.stats.json" "['seconds']")
  questions=$(field "q-$mode.stats.json" "['outputs']")
  echo "| $mode | $(printf %.1f "$seconds") | $(python3 -c "print(f'{$questions/$seconds:.1f}')") |"
done
python3 - <<'PY'
import json
a = [json.loads(l) for l in open("q-cache.jsonl")]
b = [json.loads(l) for l in open("q-no-cache.jsonl")]
same = sum(x["question"] == y["question"] for x, y in zip(a, b))
diff = max(abs(x["question_log_probability"] - y["question_log_probability"]) for x, y in zip(a, b))
print(f"({same} of {len(a)} questions identical with and without the cache; "
      f"largest log-probability difference {diff:.2e})")
PY
echo
echo "## QA predictions: frugal qa predict on part C"
start=$(date +%s.%N)
f qa predict --model "$exp/filter/model" --data "$exp/parts/C.json" --max-length 256 --stride 64 --out pred.json 2> predict.txt
end=$(date +%s.%N)
questions=$(python3 -c "import json; print(len(json.load(open('pred.json'))))")
python3 -c "print(f'| questions | seconds (whole command, incl. loading) | questions/s |\n|---|---|---|\n| $questions | {$end-$start:.1f} | {$questions/($end-$start):.1f} |')"
