#!/usr/bin/env bash
# The demo's readers on two cores: one after the other on every thread, or at once on one thread
# each (`frugal demo --jobs`)? Times the default demo's reader step (`qa train` from models/bert
# on part B's human questions, lexical-match features, batch 16, 256 tokens, stride 64) for STEPS
# steps, whole process: on 1 thread alone, on 2 threads alone, and two 1-thread ones at once.
# Throughput = readers' steps per second of wall time. Also checks that a 1-thread reader gives
# the same weights alone as beside another (what makes --jobs result-neutral).
# Usage: bench/demo_readers.sh DEMO_DIR [STEPS]   (DEMO_DIR: a finished `frugal demo` run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
demo=${1:?usage: demo_readers.sh DEMO_DIR [STEPS]}
steps=${2:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$root/bench/lib/demo_reader.sh"
reader() { demo_reader "$@"; }  # THREADS NAME
both() { reader 1 a & local pa=$!; reader 1 b & local pb=$!; wait $pa $pb; }
printf "%-40s %8s %16s\n" "readers ($steps steps each)" "wall s" "steps/s, all"
for policy in "" PASSIVE; do
  if [ -n "$policy" ]; then export OMP_WAIT_POLICY=$policy; else unset OMP_WAIT_POLICY; fi
  label=${policy:-frugal default}
  t=$(wall_seconds reader 1 one);  printf "%-40s %8.2f %16.2f\n" "1 thread, alone ($label)" "$t" "$(echo "$steps / $t" | bc -l)"
  t=$(wall_seconds reader 2 two);  printf "%-40s %8.2f %16.2f\n" "2 threads, alone ($label)" "$t" "$(echo "$steps / $t" | bc -l)"
  t=$(wall_seconds both);          printf "%-40s %8.2f %16.2f\n" "two 1-thread at once ($label)" "$t" "$(echo "2 * $steps / $t" | bc -l)"
  cmp -s "$(reader_weights one)" "$(reader_weights a)" \
    && echo "  1-thread weights alone = beside another: identical" || echo "  1-thread weights alone vs beside another: DIFFER"
done
