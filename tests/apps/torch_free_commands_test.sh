#!/usr/bin/env bash
# The torch-free commands never load libtorch; the torch commands load libfrugal-torch.so and
# work through it; without the library they fail with a clear error (exit 1). LD_DEBUG=libs
# makes the dynamic loader name every library it opens.
# Usage: torch_free_commands_test.sh FRUGAL VOCAB_TXT SQUAD_JSON WORKDIR
set -euo pipefail
frugal=$1 vocab=$2 squad=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
printf 'hello world\nthe quick brown fox\n' > lines.txt
printf 'sentence\tlabel\ngood movie\t1\nbad film\t0\n' > tiny.tsv
echo '{"step": 1, "loss": 2.0}' > metrics.jsonl
echo '{"step": 2, "loss": 1.5}' >> metrics.jsonl
loads_torch() {
  LD_DEBUG=libs "$frugal" --no-progress "$@" > /dev/null 2> loader.txt || true
  grep -q 'libtorch' loader.txt
}
failures=0
for cmd in "--version" "--help" "info" "tokenize --tokenizer $vocab --input lines.txt" \
           "mask --tokenizer $vocab --input lines.txt --mode mlm --seed 1 --output m.jsonl" \
           "augment tang --input tiny.tsv --output a.tsv --seed 1" "data list" "squad validate $squad" \
           "qa baseline --data $squad --out b.json" "eval squad $squad b.json" "plot metrics.jsonl --out m.svg" \
           "pretrain --help"; do
  # shellcheck disable=SC2086
  if [ "$cmd" = "pretrain --help" ]; then
    loads_torch $cmd || { echo "FAIL: 'frugal $cmd' did not load libtorch"; failures=$((failures + 1)); }
  elif loads_torch $cmd; then
    echo "FAIL: 'frugal $cmd' loaded libtorch"; failures=$((failures + 1))
  else
    echo "ok: frugal $cmd (no libtorch)"
  fi
done
"$frugal" pretrain mlm --help | grep -q -- "--corpus" || { echo "FAIL: pretrain mlm --help is not the full help"; failures=$((failures + 1)); }
"$frugal" --help | grep -q "qagen" || { echo "FAIL: --help does not list the torch commands"; failures=$((failures + 1)); }
# Without its library
mkdir alone && cp "$frugal" alone/frugal
set +e
alone/frugal pretrain mlm --help > out.txt 2> err.txt
rc=$?
set -e
if [ "$rc" -ne 1 ] || ! grep -q "needs libtorch" err.txt; then
  echo "FAIL: without libfrugal-torch.so (rc $rc):"; cat err.txt; failures=$((failures + 1))
fi
alone/frugal --version > /dev/null
[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
echo "torch-free commands: ok"
