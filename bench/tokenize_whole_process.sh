#!/usr/bin/env bash
# Whole-process tokenization, frugal against HF tokenizers (node), same files, same output
# (one line of ids per input line; outputs compared). Median of 3 wall times per case.
# Usage: bench/tokenize_whole_process.sh   (after scripts/build.sh and scripts/setup-peers.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mirror="${FRUGAL_MIRROR:-$(cd .. && pwd)/shared/data}"
work="$(mktemp -d)"
python3 -c "
import json,sys
d=json.load(open('$mirror/squad/dev-v1.1.json'))
open('$work/squad-contexts.txt','w').write(''.join(p['context'].replace('\n',' ')+'\n' for a in d['data'] for p in a['paragraphs']))"
tail -n +2 "$mirror/sst2/train.tsv" | cut -f1 > "$work/sst2-train.txt"
median() { sort -n | sed -n 2p; }
wall() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for tok in bert-base-uncased gpt2; do
  for corpus in squad-contexts sst2-train; do
    hf=$(for i in 1 2 3; do RAYON_NUM_THREADS=1 wall node bench/tokenize_file_peer.js "$mirror/vocab/$tok/tokenizer.json" "$work/$corpus.txt" "$work/hf.txt"; done | median)
    for threads in 1 2; do
      fr=$(for i in 1 2 3; do wall build/frugal --no-progress tokenize --threads $threads --tokenizer "$mirror/vocab/$tok/tokenizer.json" --input "$work/$corpus.txt" --output "$work/frugal.txt"; done | median)
      cmp -s "$work/hf.txt" "$work/frugal.txt" && same=identical || same=DIFFERENT
      echo "{\"tokenizer\": \"$tok\", \"corpus\": \"$corpus\", \"hf_1thread_s\": $hf, \"frugal_threads\": $threads, \"frugal_s\": $fr, \"output\": \"$same\"}"
    done
  done
done
rm -rf "$work"
