#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan into build-fuzz/ and runs each for
# SECONDS (default 60), starting from a small seed corpus. Prints the executions run.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export FRUGAL_MIRROR="${FRUGAL_MIRROR:-$(cd .. && pwd)/shared/data}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DFRUGAL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)"
corpus=build-fuzz/corpus
mkdir -p "$corpus/text" "$corpus/files"
# Seeds: SST-2 sentences and mixed scripts for the text target, the mirror's tokenizer.json files.
head -n 200 "$FRUGAL_MIRROR/sst2/dev.tsv" | cut -f1 | awk -v d="$corpus/text" '{ f = d "/s" NR; printf "%c%c%s", NR % 4, NR % 251, $0 > f; close(f) }'
printf '\x02\x05H\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 <|endoftext|> [MASK] \xf0\x9f\xa6\x99' > "$corpus/text/mixed"
for t in bert-base-uncased bert-base-cased; do cp "$FRUGAL_MIRROR/vocab/$t/tokenizer.json" "$corpus/files/$t.json"; done
mkdir -p "$corpus/safetensors" "$corpus/images"
# Image seeds: a small USPS IDX slice (header + 2 images) and the labels' header.
python3 - "$FRUGAL_MIRROR" "$corpus/images" <<'PY'
import gzip, struct, sys
b = gzip.open(sys.argv[1] + "/images/usps/usps-test-images-idx3-ubyte.gz").read()
open(sys.argv[2] + "/usps2.idx", "wb").write(b[:4] + struct.pack(">III", 2, 16, 16) + b[16:16 + 512])
l = gzip.open(sys.argv[1] + "/images/usps/usps-test-labels-idx1-ubyte.gz").read()
open(sys.argv[2] + "/labels.idx", "wb").write(l[:4] + struct.pack(">I", 8) + l[8:16])
PY
for target in fuzz_tokenizer:text fuzz_tokenizer_files:files fuzz_safetensors:safetensors fuzz_images:images; do
  name="${target%%:*}"
  echo "== $name ($seconds s)"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build-fuzz/"$name" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$corpus/${target##*:}" 2>&1 |
    grep -E "stat::number_of_executed_units|stat::peak_rss|ERROR|invariant|SUMMARY|Done" || true
done
