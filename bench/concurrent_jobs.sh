#!/usr/bin/env bash
# Two torch jobs on the same cores: each job's throughput alone and with a second one beside
# it, under an OpenMP wait policy. Each job is `frugal pretrain mlm` on a 4-layer BERT (hidden
# 256, batch 16 x 128 tokens) for a fixed number of steps; the time of each is its wall time.
# Usage: bench/concurrent_jobs.sh [STEPS] [POLICY...]
#   POLICY: default | passive | active | spin:N (libgomp's default policy, GOMP_SPINCOUNT=N)
# "default" is libgomp's own (spin ~300k iterations, then sleep): frugal's behaviour before it
# set OMP_WAIT_POLICY=PASSIVE itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
steps=${1:-20}; shift || true
policies=("${@:-default passive}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$frugal" --no-progress --mirror "$mirror" data corpus --source squad-v1.1-dev --max-documents 400 --out corpus.txt > /dev/null
echo '{"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024, "max_position_embeddings": 128}' > bert.json
job() {  # POLICY NAME
  local value= spin=
  case $1 in passive) value=PASSIVE ;; active) value=ACTIVE ;; spin:*) spin=${1#spin:} ;; esac
  local start=$(date +%s.%N)
  env OMP_WAIT_POLICY=$value ${spin:+GOMP_SPINCOUNT=$spin} "$frugal" --no-progress pretrain mlm --corpus corpus.txt --tokenizer "$mirror/vocab/bert-base-uncased/vocab.txt" \
    --model-config bert.json --max-length 128 --batch-size 16 --steps "$steps" --seed 1 --no-resume --out "run-$2" > /dev/null 2>&1
  echo "$(date +%s.%N) - $start" | bc
}
printf "%-8s %10s %14s %14s %10s\n" policy "alone s" "two: first s" "two: second s" "kept"
for policy in ${policies[*]}; do
  alone=$(job "$policy" alone)
  job "$policy" a > a.time & pa=$!
  job "$policy" b > b.time & pb=$!
  wait $pa $pb
  a=$(cat a.time) b=$(cat b.time)
  worst=$(echo "if ($a > $b) $a else $b" | bc)
  kept=$(echo "scale=3; $alone / $worst" | bc)
  printf "%-8s %10.2f %14.2f %14.2f %9.0f%%\n" "$policy" "$alone" "$a" "$b" "$(echo "$kept * 100" | bc)"
done
