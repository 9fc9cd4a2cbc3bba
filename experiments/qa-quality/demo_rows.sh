# Shared by the experiments that redo rows of a finished `frugal demo` run (source it after
# setting root, frugal and mirror; the working directory is the experiment's).
f() { "$frugal" --mirror "$mirror" --no-progress "$@"; }

# write_training_sets SEED RUN: from generated/ (a `qagen run`), the demo's training sets:
# filtered.json, unfiltered.json, random.json (as many unfiltered pairs as kept, drawn with SEED by
# Python's random, as when the experiments using it were measured: not the demo's own draw, which
# `frugal qagen keep --draw-out` gives),
# and each of filtered / random + RUN's human questions of B (filtered-human.json, random-human.json).
write_training_sets() {
  python3 - "$1" "$2" <<'PY'
import json, random, sys
seed, run = int(sys.argv[1]), sys.argv[2]
kept = json.load(open("generated/synthetic.json"))
unfiltered = json.load(open("generated/synthetic-unfiltered.json"))
b = json.load(open(f"{run}/parts/B.json"))
n = sum(len(p["qas"]) for a in kept["data"] for p in a["paragraphs"])
where = [(ai, pi, qi) for ai, a in enumerate(unfiltered["data"]) for pi, p in enumerate(a["paragraphs"]) for qi in range(len(p["qas"]))]
random.Random(seed).shuffle(where)
drawn = []
for ai, pi, qi in sorted(where[:n]):
    a = unfiltered["data"][ai]
    p = a["paragraphs"][pi]
    drawn.append({"title": a["title"], "paragraphs": [{"context": p["context"], "qas": [p["qas"][qi]]}]})
json.dump({"version": "1.1", "data": kept["data"]}, open("filtered.json", "w"))
json.dump({"version": "1.1", "data": drawn}, open("random.json", "w"))
json.dump(unfiltered, open("unfiltered.json", "w"))
json.dump({"version": "1.1", "data": kept["data"] + b["data"]}, open("filtered-human.json", "w"))
json.dump({"version": "1.1", "data": drawn + b["data"]}, open("random-human.json", "w"))
PY
}

# reader_start INIT: sets reader_start_args to the qa train options that start a reader from INIT,
# a model directory (--init) or a BertConfig JSON file (random weights, TOKENIZER's vocabulary),
# as absolute paths.
reader_start() {
  if [ -f "$1" ]; then
    reader_start_args=(--model-config "$(realpath "$1")" --tokenizer "$(realpath "${TOKENIZER:-$root/models/bert/vocab.txt}")")
  elif [ -d "$1" ]; then
    reader_start_args=(--init "$(cd "$1" && pwd)")
  else
    echo "reader_start: $1 is neither a model directory nor a config file (from $(pwd))" >&2
    return 1
  fi
}

# train_and_score NAME INIT SEED RUN [TRAIN]: the demo's QA model on TRAIN (default NAME.json) from
# INIT, its answers to RUN's part C, and their official score in score-NAME.json (written last, and
# whole: its presence means the row is done). INIT is a model directory, or a BertConfig JSON file
# for a randomly initialised reader (its WordPiece vocabulary: TOKENIZER, default
# models/bert/vocab.txt). EPOCHS (default 2, the default profile's; the full profile's is 4),
# READER_BATCH (16), READER_LR (1e-3) and READER_MAX_LENGTH (256) set the reader's recipe.
train_and_score() {
  local name=$1 init=$2 seed=$3 run=$4 train=${5:-$1.json}
  # Each step returns on failure: callers run this in `( … ) || …`, where set -e does not apply,
  # and an earlier run's model must never be scored in place of one that failed to train.
  rm -rf "qa-$name" "pred-$name.json" "score-$name.json"
  reader_start "$init" || return 1
  f qa train --train "$train" "${reader_start_args[@]}" --epochs "${EPOCHS:-2}" --batch-size "${READER_BATCH:-16}" --lr "${READER_LR:-0.001}" \
    --seed "$seed" --no-resume --out "qa-$name" --lexical-match --max-length "${READER_MAX_LENGTH:-256}" --stride 64 > "qa-$name.log" 2>&1 || return 1
  f qa predict --model "qa-$name/model" --data "$run/parts/C.json" --out "pred-$name.json" --max-length "${READER_MAX_LENGTH:-256}" \
    --stride 64 2> /dev/null || return 1
  f eval squad "$run/parts/C.json" "pred-$name.json" > "score-$name.json.tmp" || return 1
  mv "score-$name.json.tmp" "score-$name.json"
}
