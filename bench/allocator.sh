#!/usr/bin/env bash
# glibc malloc as frugal tunes it (src/core/allocator.h) against glibc's defaults
# (FRUGAL_MALLOC=default), whole process, alternating ROUNDS times (median wall seconds):
#   - the default demo's reader step: `qa train` from models/bert on part B's human questions
#     (lexical-match features, batch 16, 256 tokens, stride 64) for STEPS steps;
#   - `qa predict` of the run's own human-question reader on part C (the filter's and the
#     evaluation's workload).
# Also checks that both give the same weights and the same predictions, byte for byte.
# Usage: bench/allocator.sh DEMO_DIR [STEPS]   (DEMO_DIR: a finished `frugal demo` run; env
#        FRUGAL, THREADS (default 2), ROUNDS (default 3))
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
demo=${1:?usage: allocator.sh DEMO_DIR [STEPS]}
steps=${2:-100}
threads=${THREADS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$root/bench/lib/demo_reader.sh"
reader() { demo_reader "$threads" "$1"; }
predict() {  # NAME
  "$frugal" --no-progress --threads "$threads" qa predict --model "$demo/qa-human/model" --data "$demo/parts/C.json" \
    --max-length 256 --stride 64 --out "$work/$1.json" > "$work/$1.log" 2>&1 || { cat "$work/$1.log"; exit 1; }
}
declare -A t
for round in $(seq 1 "${ROUNDS:-3}"); do
  for mode in default tuned; do
    if [ "$mode" = default ]; then export FRUGAL_MALLOC=default; else unset FRUGAL_MALLOC; fi
    t[reader-$mode]+="$(wall_seconds reader "$mode-reader") "
    t[predict-$mode]+="$(wall_seconds predict "$mode-predict") "
  done
done
unset FRUGAL_MALLOC
printf "%-52s %10s %10s %8s\n" "median wall s (${ROUNDS:-3} rounds, $threads threads)" "glibc" "tuned" "speed-up"
for job in reader predict; do
  label=$([ $job = reader ] && echo "qa train, $steps steps (the demo's reader)" || echo "qa predict, part C")
  d=$(median_of ${t[$job-default]}); u=$(median_of ${t[$job-tuned]})
  printf "%-52s %10.2f %10.2f %7.2fx\n" "$label" "$d" "$u" "$(echo "$d / $u" | bc -l)"
done
cmp -s "$(reader_weights default-reader)" "$(reader_weights tuned-reader)" \
  && echo "reader weights, glibc vs tuned: identical" || { echo "reader weights, glibc vs tuned: DIFFER"; exit 1; }
cmp -s "$work/default-predict.json" "$work/tuned-predict.json" \
  && echo "predictions, glibc vs tuned: identical" || { echo "predictions, glibc vs tuned: DIFFER"; exit 1; }
