#!/usr/bin/env bash
# `frugal demo --more-paragraphs`: the generator also gets paragraphs outside A, B and C, without
# their questions; paragraphs whose text is in a part (or repeats) are left out and counted, and
# the profile's cap on generated paragraphs holds for them too. Starts from demo_smoke's encoder.
# Usage: demo_more_paragraphs_test.sh FRUGAL MIRROR SMOKE_RUN_DIR WORK_DIR
set -euo pipefail
frugal=$1 mirror=$2 smoke=$3 work=$4
fail() { echo "demo --more-paragraphs: $*" >&2; exit 1; }
rm -rf "$work" "$work-init" "$work-bad" && mkdir -p "$work-init"
ln -s "$smoke/bert/model" "$work-init/bert"
"$frugal" --no-progress --mirror "$mirror" demo --smoke --question-generator cloze --jobs 2 --init "$work-init" \
  --more-paragraphs squad-rest --more-paragraphs squad-v1.1-dev/dev-v1.1.json \
  --more-paragraphs tydiqa-goldp-en/english_tydiqa_goldp_dev.json --out "$work" > "$work.log" 2>&1 || { tail -20 "$work.log"; exit 1; }
grep -q "B+more, synthetic filtered + human" "$work.log" || fail "no B+more rows in the table: $(tail -20 "$work.log")"
python3 - "$work" "$mirror/squad/dev-v1.1.json" "$mirror/qa/tydiqa/english_tydiqa_goldp_dev.json" <<'PY'
import json, sys
work, dev_file, tydi_file = sys.argv[1:]
contexts = lambda f: [p for a in json.load(open(f))["data"] for p in a["paragraphs"]]
parts = {name: {p["context"] for p in contexts(f"{work}/parts/{name}.json")} for name in "ABC"}
# The smoke profile: one unit of five articles, six paragraphs each; so squad-rest is every later
# article's first six paragraphs, the whole dev file repeats those and the parts, and TyDi QA's dev
# file repeats some of its own passages (440 questions, 429 passages).
dev = json.load(open(dev_file))["data"]
rest = [p["context"] for a in dev[5:] for p in a["paragraphs"][:6]]
seen = set().union(*parts.values())
expected_left_out = 0
for context in rest + [p["context"] for a in dev for p in a["paragraphs"]] + [p["context"] for p in contexts(tydi_file)]:
    expected_left_out += context in seen
    seen.add(context)
results = json.load(open(f"{work}/results.json"))
more = results["more_paragraphs"]
assert more["left_out"] == expected_left_out, (more, expected_left_out)
assert more["paragraphs"] == 20, more  # the smoke profile's cap: 20 generated paragraphs of each
generated = contexts(f"{work}/paragraphs.json")
# B's twelve paragraphs (under the cap) and the twenty more.
assert results["generation"]["paragraphs"] == len(generated) == len(parts["B"]) + 20, (results["generation"], len(generated))
assert sum(p["context"] in parts["B"] for p in generated) == len(parts["B"])
extra = [p for p in generated if p["context"] not in parts["B"]]
assert [p["context"] for p in extra] == rest[:20], "the extra paragraphs are not squad-rest's first 20"
assert all(not p["qas"] for p in extra), "an extra paragraph kept its questions"
assert not parts["C"] & {p["context"] for p in generated}, "a part-C context went to the generator"
PY
bad=$work-bad
if "$frugal" --no-progress --mirror "$mirror" demo --smoke --question-generator cloze --init "$work-init" \
    --more-paragraphs no-such-source --out "$bad" > "$bad.log" 2>&1; then
  fail "an unknown source was accepted"
else
  rc=$?
  [ "$rc" -eq 2 ] || fail "exit code $rc for an unknown source (expected 2)"
fi
grep -q "no-such-source" "$bad.log" || fail "the error does not name the source: $(tail -3 "$bad.log")"
[ ! -e "$bad" ] || fail "a run refused for its source left output in $bad"
if "$frugal" --no-progress --mirror "$mirror" demo --smoke --question-generator cloze --init "$work-init" \
    --more-paragraphs tydiqa-goldp-en/no-such-file.json --out "$bad" > "$bad.log" 2>&1; then
  fail "a missing registered file was accepted"
fi
grep -q "no-such-file.json" "$bad.log" || fail "the error does not name the file: $(tail -3 "$bad.log")"
[ ! -e "$bad" ] || fail "a run refused for its source left output in $bad"
echo "demo --more-paragraphs: checked"
