#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_*.cpp) with clang, ASan and UBSan into build-fuzz/ and
# runs each for SECONDS (default 60) from a seed corpus: frugal's own seeds (fuzz/seeds/TARGET)
# plus small slices of the mirror's real files. Prints, per target, the executions, coverage
# (edges and features), corpus size and any crash, leak or sanitizer report; a crashing input
# is saved as build-fuzz/crashes/TARGET/crash-* (minimise it with -minimize_crash=1 and keep it
# under fuzz/regressions/TARGET/: the normal build's ctest replays it).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (TARGET: fuzz_squad, squad, ...; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
export FRUGAL_MIRROR="${FRUGAL_MIRROR:-$(cd .. && pwd)/shared/data}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DFRUGAL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null

all=()
for source in fuzz/fuzz_*.cpp; do all+=("$(basename "$source" .cpp)"); done
targets=()
for t in "$@"; do targets+=("fuzz_${t#fuzz_}"); done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

corpus=build-fuzz/corpus
seed() {  # target: the corpus directory, filled once
  local dir="$corpus/$1"
  [ -d "$dir" ] && return 0
  mkdir -p "$dir"
  [ -d "fuzz/seeds/$1" ] && cp fuzz/seeds/"$1"/* "$dir"/
  case "$1" in
    fuzz_tokenizer)
      # SST-2 sentences, each behind the target's two selector bytes, and mixed scripts.
      head -n 200 "$FRUGAL_MIRROR/sst2/dev.tsv" | cut -f1 | awk -v d="$dir" '{ f = d "/s" NR; printf "%c%c%s", NR % 4, NR % 251, $0 > f; close(f) }'
      printf '\x02\x05H\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 <|endoftext|> [MASK] \xf0\x9f\xa6\x99' > "$dir/mixed" ;;
    fuzz_tokenizer_files)
      for t in bert-base-uncased bert-base-cased; do cp "$FRUGAL_MIRROR/vocab/$t/tokenizer.json" "$dir/$t.json"; done ;;
    fuzz_tsv)
      head -n 30 "$FRUGAL_MIRROR/sst2/dev.tsv" > "$dir/sst2-dev-head.tsv" ;;
    fuzz_images)
      # A small USPS IDX slice (header + 2 images) and the labels' header.
      python3 - "$FRUGAL_MIRROR" "$dir" <<'PY'
import gzip, struct, sys
b = gzip.open(sys.argv[1] + "/images/usps/usps-test-images-idx3-ubyte.gz").read()
open(sys.argv[2] + "/usps2.idx", "wb").write(b[:4] + struct.pack(">III", 2, 16, 16) + b[16:16 + 512])
l = gzip.open(sys.argv[1] + "/images/usps/usps-test-labels-idx1-ubyte.gz").read()
open(sys.argv[2] + "/labels.idx", "wb").write(l[:4] + struct.pack(">I", 8) + l[8:16])
PY
      ;;
    fuzz_squad|fuzz_records|fuzz_serve_request)
      # Slices of real QA files (an article's first paragraphs and questions, under 4 KB) as
      # SQuAD JSON, stage records and request bodies.
      python3 - "$FRUGAL_MIRROR" "$dir" "$1" <<'PY'
import json, sys, glob
mirror, out, target = sys.argv[1:4]
files = [mirror + "/squad/dev-v1.1.json", mirror + "/squad/dev-v2.0.json"] + sorted(glob.glob(mirror + "/qa/*/*.json"))[:3]
for n, path in enumerate(files):
    data = json.load(open(path))
    article = data["data"][n % len(data["data"])]
    paragraphs = []
    for p in article["paragraphs"][:2]:
        paragraphs.append({"context": p["context"][:700], "qas": [q for q in p["qas"][:2]
                           if all(a["answer_start"] + len(a["text"]) <= 700 for a in q.get("answers", []))]})
    doc = {"data": [{"title": article.get("title", ""), "paragraphs": paragraphs}], "version": data.get("version", "")}
    if target == "fuzz_squad":
        open(f"{out}/slice{n}.json", "w").write(json.dumps(doc, ensure_ascii=n % 2 == 0))
    for k, p in enumerate(paragraphs):
        for m, q in enumerate(p["qas"]):
            a = (q.get("answers") or [{"text": "", "answer_start": 0}])[0]
            if target == "fuzz_records":
                r = {"paragraph_id": f"a{n}-p{k}", "title": article.get("title", ""), "context": p["context"], "answer": a["text"],
                     "answer_start": a["answer_start"], "question": q["question"], "kept": m % 2 == 0}
                open(f"{out}/slice{n}-{k}-{m}.jsonl", "w").write(json.dumps(r) + "\n")
            if target == "fuzz_serve_request":
                body = {"question": q["question"], "context": p["context"]} if m % 2 == 0 else {"inputs": [q["question"], p["context"]]}
                open(f"{out}/slice{n}-{k}-{m}.json", "w").write(json.dumps(body))
PY
      ;;
  esac
}

dict_of() {
  case "$1" in
    fuzz_squad|fuzz_records|fuzz_config|fuzz_serve_request|fuzz_tokenizer_files) echo "-dict=fuzz/dicts/json.dict" ;;
    fuzz_tsv) echo "-dict=fuzz/dicts/tsv.dict" ;;
  esac
}

max_len_of() {  # the tokenizer target runs four tokenizers and pairs per input: shorter inputs, more of them
  case "$1" in fuzz_tokenizer) echo 512 ;; *) echo 4096 ;; esac
}

for target in "${targets[@]}"; do
  [ -x "build-fuzz/$target" ] || { echo "no fuzz target $target (have: ${all[*]})" >&2; exit 2; }
  seed "$target"
  mkdir -p "build-fuzz/crashes/$target"
  log="build-fuzz/$target.log"
  # One job, 2 GiB RSS and 10 s per input; leaks are reported (detect_leaks).
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/$target" -max_total_time="$seconds" -max_len="$(max_len_of "$target")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$target/" $(dict_of "$target") "$corpus/$target" > "$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[^ ]*' || echo "cov: ?")
  reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated' "$log" || true)
  echo "$target: ${seconds} s, ${execs} executions, ${cov}, reports: ${reports}"
  grep -E 'ERROR: |runtime error:|invariant violated|SUMMARY' "$log" | head -n 5 || true
done
