#!/usr/bin/env bash
# `frugal demo --jobs` changes when steps run, never what they produce: the smoke demo one step at
# a time gives byte-identical predictions to demo_smoke's run (--jobs 3, steps beside each other,
# their output in logs/), and the same table.
# Usage: demo_jobs_test.sh FRUGAL MIRROR PARALLEL_RUN_DIR WORK_DIR
set -euo pipefail
frugal=$1 mirror=$2 parallel=$3 work=$4
rm -rf "$work"
"$frugal" --no-progress --mirror "$mirror" demo --smoke --jobs 1 --out "$work" > "$work.log" 2>&1 || { tail -20 "$work.log"; exit 1; }
fail() { echo "demo --jobs: $*" >&2; exit 1; }
ls "$parallel"/logs/step-*.log > /dev/null 2>&1 || fail "the parallel run wrote no step logs in $parallel/logs"
[ ! -e "$work/logs" ] || fail "--jobs 1 wrote step logs (its steps print inline)"
n=0
for pred in "$parallel"/pred-*.json; do
  cmp "$pred" "$work/$(basename "$pred")" || fail "$(basename "$pred") differs between --jobs 3 and --jobs 1"
  n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n prediction files in $parallel"
python3 - "$parallel/results.json" "$work/results.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
rows = [k for k, v in a.items() if isinstance(v, dict) and "f1" in v]
assert rows and all(a[k] == b[k] for k in rows), [(k, a[k], b.get(k)) for k in rows if a[k] != b.get(k)]
assert a["kept_fraction"] == b["kept_fraction"]
PY

# A step that fails beside others stops them: the demo exits non-zero naming the step, shows the
# end of its log, and leaves no step running. The encoder's weights are cut short, so every step
# of the first group fails to load it.
broken=$work-broken
rm -rf "$broken" "$broken-init" && mkdir -p "$broken-init"
cp -r "$parallel/bert/model" "$broken-init/bert"
truncate -s 100 "$broken-init/bert/model.safetensors"
if "$frugal" --no-progress --mirror "$mirror" demo --smoke --question-generator cloze --jobs 3 --init "$broken-init" --out "$broken" \
    > "$broken.log" 2>&1; then
  fail "a run from a broken encoder succeeded"
fi
grep -q "demo step '.*' failed with exit code" "$broken.log" || fail "no failed step named: $(tail -5 "$broken.log")"
grep -q "failed; the end of $broken/logs/step-" "$broken.log" || fail "no log tail of the failed step: $(tail -5 "$broken.log")"
sleep 1
! pgrep -f -- "--out $broken/" > /dev/null || fail "steps still running after the failure: $(pgrep -af -- "--out $broken/")"
echo "demo --jobs: $n prediction files identical"
