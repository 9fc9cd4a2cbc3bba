#!/usr/bin/env bash
# Rule-based cloze questions (frugal qagen cloze) in place of the GPT-2 generator, on finished
# default-profile demo runs: each run's own answer model (now on all of B's paragraphs, or the
# first PARAGRAPHS) and filter, then the demo's rows on C — unfiltered, filtered, filtered + B's
# human questions, the control (as many unfiltered pairs + B) and staged (the unfiltered model
# fine-tuned on B).
# Usage: experiments/qa-quality/cloze_questions.sh SEEDS_DIR WORK_DIR
#   (SEEDS="1 2 3", PARAGRAPHS=0 (all of B), PER_CONTEXT=4, MAX_WORDS=0 (answers: any length), WORDS=10,
#    FILTER=exact, DISJOINT=0 (1: qagen answers --disjoint), EPOCHS=2 (the readers'; full profile: 4),
#    INIT=shipped (the readers start from models/bert; run: from the run's own bert/model, as the
#    full profile's do), ROWS (default: unfiltered filtered random filtered-human random-human staged;
#    staged needs unfiltered), FRUGAL override)
#   SEEDS_DIR: experiments/qa-quality/seeds.sh's work dir (SEEDS_DIR/seed-N are demo runs, any profile)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
seeds_dir=$(cd "$1" && pwd)
mkdir -p "$2" && work=$(cd "$2" && pwd)
source "$root/experiments/qa-quality/demo_rows.sh"
for s in ${SEEDS:-1 2 3}; do
  run=$seeds_dir/seed-$s w=$work/seed-$s
  rm -rf "$w" && mkdir -p "$w" && cd "$w"
  python3 - "$run" "${PARAGRAPHS:-0}" "${PER_CONTEXT:-4}" "${WORDS:-10}" "${FILTER:-exact}" "$s" "${MAX_WORDS:-0}" "${DISJOINT:-0}" <<'PY'
import json, sys
run, n, per_context, words, mode, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
max_words, disjoint = int(sys.argv[7]), sys.argv[8] == "1"
b = json.load(open(f"{run}/parts/B.json"))
# The first n paragraphs of B (0: all), as SQuAD JSON (contexts keep their line breaks).
left, articles = n or sum(len(a["paragraphs"]) for a in b["data"]), []
for a in b["data"]:
    if left > 0:
        articles.append({"title": a["title"], "paragraphs": a["paragraphs"][:left]})
        left -= len(articles[-1]["paragraphs"])
json.dump({"version": "1.1", "data": articles}, open("paragraphs.json", "w"))
json.dump({"paragraphs": "paragraphs.json", "work_dir": "generated", "answer_model": f"{run}/answers/model",
           "question_generator": "cloze", "cloze": {"words_each_side": words}, "filter_model": f"{run}/filter/model",
           "answers": {"per_context": per_context, "top_p": 0.9, "seed": seed, "max_words": max_words, "disjoint": disjoint}, "filter": {"mode": mode},
           "max_length": 256, "stride": 64, "chunk": 32}, open("pipeline.json", "w"), indent=1)
PY
  f qagen run --config pipeline.json > run.log 2>&1
  write_training_sets "$s" "$run"
  cp "$run/parts/B.json" staged.json
  for name in ${ROWS:-unfiltered filtered random filtered-human random-human staged}; do
    init=$root/models/bert
    [ "${INIT:-shipped}" = run ] && init=$run/bert/model
    [ "$name" = staged ] && init=qa-unfiltered/model
    train_and_score "$name" "$init" "$s" "$run"
  done
  python3 - "$s" "$run" <<'PY'
import json, os, sys
s, run = sys.argv[1:]
r = json.load(open(f"{run}/results.json"))
summary = json.load(open("generated/report.json"))["summary"]
names = {"unfiltered": "unfiltered", "filtered": "filtered", "random": "as many unfiltered", "filtered-human": "filtered + human",
         "random-human": "as many unfiltered + human", "staged": "staged"}
rows = ", ".join(f"{label} {json.load(open(f'score-{n}.json'))['f1']:.2f}" for n, label in names.items() if os.path.exists(f"score-{n}.json"))
print(f"seed {s}: cloze kept {summary['kept']}/{summary['questions']} ({summary['kept_percent']:.1f}%); F1 on C: baseline {r['baseline']['f1']:.2f}, "
      f"human {r['human']['f1']:.2f}, {rows}", flush=True)
PY
done
