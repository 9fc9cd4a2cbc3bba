#!/usr/bin/env bash
# Peak memory (max RSS) of the synthetic-QA stages as their input grows 10x with the work held
# fixed: each stage reads N or 10N input units and processes the same N of them (--shard 0/10 on
# the large input). Flat memory = the stage streams its input; memory that grows with the file
# = it holds the input. Uses the tiny models of the pipeline smoke test and one thread.
# Usage: bench/qagen_memory.sh SMOKE_DIR [N]   (SMOKE_DIR: a finished experiments/synthetic-qa/
#        smoke.sh work dir, e.g. build/tests/qagen_smoke; N paragraphs, default 10000;
#        env FRUGAL: the binary to measure, FRUGAL_MIRROR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
smoke=$(cd "${1:?smoke work dir}" && pwd)
n=${2:-10000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time, installed by scripts/setup.sh)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# N and 10N paragraphs: SQuAD v1.1 dev contexts, cycled (content does not matter for memory).
python3 - "$mirror" "$n" <<'PY'
import json, sys
mirror, n = sys.argv[1], int(sys.argv[2])
ctx = [p["context"].replace("\n", " ") for a in json.load(open(f"{mirror}/squad/dev-v1.1.json"))["data"] for p in a["paragraphs"]]
for name, count in (("small", n), ("large", 10 * n)):
    with open(f"paragraphs-{name}.txt", "w") as f:
        for i in range(count):
            f.write(ctx[i % len(ctx)] + "\n")
PY
f() { "$frugal" --no-progress --threads 1 "$@"; }
peak() {  # peak RSS in MiB and seconds of one command
  /usr/bin/time -f "%M %e" -o time.txt "$frugal" --no-progress --threads 1 "$@" > /dev/null
  read -r kb seconds < time.txt
  echo "$(( kb / 1024 )) $seconds"
}
# The small stage inputs come from running the stages; the large ones repeat them 10x.
f qagen answers --model "$smoke/answers/model" --input paragraphs-small.txt --per-context 3 --seed 1 --out answers-small.jsonl
f qagen questions --model "$smoke/questions/model" --input answers-small.jsonl --per-answer 1 --max-new-tokens 8 --seed 1 --out questions-small.jsonl
for name in answers questions; do
  for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$name-small.jsonl"; done > "$name-large.jsonl"
done
echo "| stage | processed | small input | peak MiB | large input (10x, --shard 0/10) | peak MiB |"
echo "|---|---|---|---|---|---|"
row() {  # stage, processed, small input, large input, command...
  local stage=$1 processed=$2 small=$3 large=$4
  shift 4
  rm -f out*.jsonl*
  read -r small_mb _ < <(peak "$@" --input "$small" --out out-small.jsonl)
  read -r large_mb _ < <(peak "$@" --input "$large" --shard 0/10 --out out-large.jsonl)
  echo "| $stage | $processed | $small ($(du -h "$small" | cut -f1)) | $small_mb | $large ($(du -h "$large" | cut -f1)) | $large_mb |"
}
records=$(wc -l < answers-small.jsonl)
questions=$(wc -l < questions-small.jsonl)
row answers "$n paragraphs" paragraphs-small.txt paragraphs-large.txt \
  qagen answers --model "$smoke/answers/model" --per-context 3 --seed 1
row questions "$records answers" answers-small.jsonl answers-large.jsonl \
  qagen questions --model "$smoke/questions/model" --per-answer 1 --max-new-tokens 8 --seed 1
row filter "$questions questions" questions-small.jsonl questions-large.jsonl \
  qagen filter --model "$smoke/qa/model"
