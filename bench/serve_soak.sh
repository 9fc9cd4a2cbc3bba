#!/usr/bin/env bash
# frugal serve's memory over a soak: after a warm-up under wrk, RSS is sampled every 10 s while
# wrk keeps the server saturated for SOAK seconds (default 300), with bad requests (malformed
# JSON, oversized, too many inputs) mixed in from curl. Prints the RSS series and its spread
# relative to the first post-warm-up sample as JSON lines. Reuses serve_load.sh's model and bodies.
# Usage: bench/serve_soak.sh FRUGAL [OUT_DIR] [SOAK_SECONDS]
set -euo pipefail
frugal=$(realpath "$1"); out=${2:-/tmp/frugal-serve-bench}; soak=${3:-300}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mirror=${FRUGAL_MIRROR:-$here/../../shared/data}
vocab=$mirror/vocab/bert-base-uncased/vocab.txt
[ -f "$out/bodies.lua" ] && [ -d "$out/model" ] || { echo "run bench/serve_load.sh first (it makes the model and bodies)"; exit 2; }
cd "$out"
export BODIES=$out/bodies.lua
rm -f port
"$frugal" --no-progress serve --model model --tokenizer "$vocab" --task qa --max-batch-size 0 --port 0 --port-file port --access-log /dev/null 2> soak.stderr &
pid=$!
for _ in $(seq 600); do [ -s port ] && curl -sf "http://127.0.0.1:$(cat port)/health" > /dev/null && break; sleep 0.1; done
url=http://127.0.0.1:$(cat port)
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
wrk -t 1 -c 16 -d 60s -s "$here/serve/qa_post.lua" "$url" > /dev/null  # warm-up
wrk -t 1 -c 16 -d "${soak}s" --timeout 30s -s "$here/serve/qa_post.lua" "$url" | sed -n 's/^WRK_JSON //p' > soak_wrk.json &
load=$!
python3 -c "print('[' * 100000)" > deep.json
head -c 3000000 /dev/zero | tr '\0' 'x' > big.json
samples=()
end=$((SECONDS + soak))
while [ $SECONDS -lt $end ]; do
  samples+=("$(rss)")
  for body in '{"question": ' '{"question": 1}' '[]'; do curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" "$url/v1/qa"; done
  curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @deep.json "$url/v1/qa"
  curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @big.json "$url/v1/qa"
  sleep 10
done
wait $load
samples+=("$(rss)")
fivexx=$(curl -s "$url/metrics" | grep -E '^frugal_request_count\{.*status="5' || true)
kill -TERM $pid; wait $pid
python3 - "${samples[@]}" <<PY
import json, sys
kb = [int(x) for x in sys.argv[1:]]
base = kb[0]
print(json.dumps({"rss_mb": [round(k / 1024, 1) for k in kb], "first_mb": round(base / 1024, 1),
                  "min_rel": round(min(kb) / base - 1, 4), "max_rel": round(max(kb) / base - 1, 4),
                  "wrk": json.load(open("soak_wrk.json")), "5xx": """$fivexx""".strip()}))
PY
