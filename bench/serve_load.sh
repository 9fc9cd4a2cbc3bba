#!/usr/bin/env bash
# frugal serve under wrk on 127.0.0.1: a BERT QA model (random weights; speed does not depend
# on them) answering SQuAD v1.1 dev questions, one per request, with dynamic batching and with
# --max-batch-size 1. For each: saturation (CONNECTIONS connections, no think time), the latency
# of one request alone, and a lower rate (each connection waits THINK_MS between requests,
# chosen from the saturation run to give ~half its throughput; wrk has no open-loop fixed-rate
# mode). Throughput, p50/p90/p99 and the batch-size distribution (from /metrics) as JSON lines.
# Usage: bench/serve_load.sh FRUGAL [OUT_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
frugal=$(realpath "$1"); out=${2:-/tmp/frugal-serve-bench}; seconds=${3:-20}; connections=${4:-16}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mirror=${FRUGAL_MIRROR:-$here/../../shared/data}
vocab=$mirror/vocab/bert-base-uncased/vocab.txt
mkdir -p "$out" && cd "$out"
cat > bert-qa.json <<'JSON'
{"vocab_size": 30522, "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024,
 "max_position_embeddings": 512}
JSON
[ -d model ] || "$frugal" --no-progress model init --arch bert --head qa --model-config bert-qa.json --seed 1 --out model > /dev/null
python3 - "$mirror/squad/dev-v1.1.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
bodies = []
for article in data["data"]:
    for p in article["paragraphs"]:
        for qa in p["qas"][:1]:
            bodies.append(json.dumps({"question": qa["question"], "context": p["context"]}))
bodies = bodies[:500]
with open("bodies.lua", "w") as f:
    f.write("return {\n" + ",\n".join("[==[" + b + "]==]" for b in bodies) + "\n}\n")
PY
export BODIES=$out/bodies.lua

metric_lines() { curl -s "http://127.0.0.1:$1/metrics" | grep -E '^frugal_batch_size_(bucket|sum|count)'; }
batch_distribution() {  # before-file after-file: rows-per-forward histogram of the run
  python3 - "$1" "$2" <<'PY'
import re, sys, json
def read(f):
    d = {}
    for line in open(f):
        m = re.match(r'frugal_batch_size_bucket\{le="([^"]+)"\} (\S+)', line)
        if m: d[m.group(1)] = float(m.group(2))
        m = re.match(r'frugal_batch_size_(sum|count) (\S+)', line)
        if m: d[m.group(1)] = float(m.group(2))
    return d
a, b = read(sys.argv[1]), read(sys.argv[2])
keys = [k for k in b if k not in ("sum", "count")]
prev, dist = 0.0, {}
for k in keys:
    n = b[k] - a.get(k, 0)
    if n - prev > 0: dist["<=" + k] = int(n - prev)
    prev = n
count = b["count"] - a.get("count", 0)
print(json.dumps({"forwards": int(count), "mean_rows": round((b["sum"] - a.get("sum", 0)) / max(count, 1), 2), "rows_per_forward": dist}))
PY
}

run_case() {  # name flags...
  local name=$1; shift
  rm -f port
  "$frugal" --no-progress serve --model model --tokenizer "$vocab" --task qa --port 0 --port-file port \
    --access-log /dev/null "$@" 2> "$name.stderr" &
  local pid=$!
  for _ in $(seq 600); do [ -s port ] && curl -sf "http://127.0.0.1:$(cat port)/health" > /dev/null && break; sleep 0.1; done
  local port; port=$(cat port)
  wrk -t 1 -c 2 -d 5s -s "$here/serve/qa_post.lua" "http://127.0.0.1:$port" > /dev/null  # warm-up
  local result
  # One request at a time: the latency of a request alone.
  result=$(wrk -t 1 -c 1 -d "${seconds}s" -s "$here/serve/qa_post.lua" "http://127.0.0.1:$port" | sed -n 's/^WRK_JSON //p')
  echo "{\"case\": \"$name\", \"load\": \"alone\", \"connections\": 1, \"wrk\": $result}" | tee -a results.jsonl
  metric_lines "$port" > before.txt
  result=$(wrk -t 1 -c "$connections" -d "${seconds}s" --timeout 30s -s "$here/serve/qa_post.lua" "http://127.0.0.1:$port" | sed -n 's/^WRK_JSON //p')
  metric_lines "$port" > after.txt
  echo "{\"case\": \"$name\", \"load\": \"saturation\", \"connections\": $connections, \"wrk\": $result, \"batches\": $(batch_distribution before.txt after.txt)}" | tee -a results.jsonl
  # Half the saturation rate: think time so that connections / (think + latency) ~ rps / 2.
  local think
  think=$(python3 -c "import json; r = json.loads('''$result'''); print(max(1, round($connections / (r['rps'] / 2) * 1000 - r['mean_ms'] / 2)))")
  metric_lines "$port" > before.txt
  result=$(THINK_MS=$think wrk -t 1 -c "$connections" -d "${seconds}s" --timeout 30s -s "$here/serve/qa_post.lua" "http://127.0.0.1:$port" | sed -n 's/^WRK_JSON //p')
  metric_lines "$port" > after.txt
  echo "{\"case\": \"$name\", \"load\": \"half\", \"connections\": $connections, \"think_ms\": $think, \"wrk\": $result, \"batches\": $(batch_distribution before.txt after.txt)}" | tee -a results.jsonl
  kill -TERM "$pid"; wait "$pid"
}

rm -f results.jsonl
run_case batching --max-batch-size 0
run_case batch1 --max-batch-size 1
echo "results: $out/results.jsonl"
