#!/usr/bin/env bash
# ELECTRA vs masked-LM pretraining at equal wall time, and the lexical-match ablation (issue 16),
# on the data of a finished `frugal demo` run (its parts A/B/C, corpus and WordPiece vocabulary):
#   1. held-out text: every 20th document of the demo's corpus sources;
#   2. a BERT (the demo's config) pretrained by masked LM for MLM_STEPS steps, and one by ELECTRA
#      for as many steps as fit in the same wall time (ELECTRA_STEPS, measured beforehand: an
#      ELECTRA step also runs the generator);
#   3. held-out masked-token accuracy (frugal eval mlm for the MLM model; the ELECTRA generator's
#      and discriminator's accuracy from its held-out evaluation), same --seed: same masks;
#   4. QA on B's human questions from each (the demo's fine-tuning), with and without
#      lexical-match features, scored on C; and from a randomly initialised BERT of the same
#      config (no pretraining), for scale.
# Usage: experiments/qa-quality/electra_vs_mlm.sh DEMO_DIR [WORK_DIR]   (FRUGAL, MLM_STEPS, ELECTRA_STEPS, SEED,
#   EPOCHS, QA_LR override; VOCAB and BERT_CONFIG for a demo run from shipped models, which has no
#   wordpiece/ or bert.json: e.g. VOCAB=models/bert/vocab.txt BERT_CONFIG=my-bert.json)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
demo=$(cd "$1" && pwd)
work=${2:-$root/runs/electra-vs-mlm}
mlm_steps=${MLM_STEPS:-400}
electra_steps=${ELECTRA_STEPS:-300}
seed=${SEED:-1}
epochs=${EPOCHS:-2}
qa_lr=${QA_LR:-1e-3}
vocab=$(realpath "${VOCAB:-$demo/wordpiece/vocab.txt}")
bert_config=$(realpath "${BERT_CONFIG:-$demo/bert.json}")
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
mkdir -p "$work" && cd "$work"
f() { "$frugal" --mirror "$mirror" --no-progress "$@"; }
f data corpus --source squad-v1.1-dev,wordnet --max-documents 20000 --out corpus.txt --held-out held-out.txt --held-out-every 20 > /dev/null
common=(--tokenizer "$vocab" --model-config "$bert_config" --corpus corpus.txt --batch-size 32
        --max-length 128 --lr 1e-3 --seed "$seed" --no-resume --log-every 25)
timed() {  # NAME COMMAND...: runs it, appends "NAME SECONDS" to times.txt
  local name=$1 start end
  shift
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$name $(echo "$end - $start" | bc)" >> times.txt
}
rm -f times.txt
timed mlm f pretrain mlm "${common[@]}" --steps "$mlm_steps" --out mlm > mlm.json
timed electra f pretrain electra "${common[@]}" --steps "$electra_steps" --eval held-out.txt --eval-batches 40 --out electra > electra.json
f eval mlm --model mlm/model --text held-out.txt --seed 7 > mlm-eval.json
f eval mlm --model electra/electra --text held-out.txt --seed 7 > electra-eval.json  # the generator, on the same masks
qa() {  # NAME QA-TRAIN-OPTIONS... (--init DIR or --model-config FILE --tokenizer VOCAB, [--lexical-match])
  local name=$1
  shift
  timed "qa-$name" f qa train --train "$demo/parts/B.json" "$@" --epochs "$epochs" --batch-size 16 --lr "$qa_lr" \
    --seed "$seed" --no-resume --max-length 256 --stride 64 --out "qa-$name" > "qa-$name.json"
  f qa predict --model "qa-$name/model" --data "$demo/parts/C.json" --out "pred-$name.json" --max-length 256 --stride 64 > /dev/null
  f eval squad "$demo/parts/C.json" "pred-$name.json" > "score-$name.json"
}
qa mlm-lexical --init mlm/model --lexical-match
qa electra-lexical --init electra/model --lexical-match
qa scratch-lexical --model-config "$bert_config" --tokenizer "$vocab" --lexical-match
qa mlm-plain --init mlm/model
qa electra-plain --init electra/model
f qa baseline --data "$demo/parts/C.json" --out pred-baseline.json > /dev/null
f eval squad "$demo/parts/C.json" pred-baseline.json > score-baseline.json
python3 - <<'PY'
import json
t = dict(l.split() for l in open("times.txt"))
mlm = json.load(open("mlm-eval.json"))
el = json.load(open("electra-eval.json"))
def s(n):
    j = json.load(open(f"score-{n}.json"))
    return f"{j['exact_match']:.2f} / {j['f1']:.2f}"
print("| pretraining | steps | seconds | held-out masked-token accuracy | QA EM / F1 on C (lexical-match) | QA EM / F1 on C (plain) |")
print("|---|---|---|---|---|---|")
steps = {k: json.loads(open(f"{k}.json").read().strip().splitlines()[-1])["steps"] for k in ("mlm", "electra")}
print(f"| masked LM | {steps['mlm']} | {float(t['mlm']):.0f} | {100*mlm['accuracy']:.2f}% | {s('mlm-lexical')} | {s('mlm-plain')} |")
print(f"| ELECTRA | {steps['electra']} | {float(t['electra']):.0f} | generator {100*el['generator_accuracy']:.2f}%, discriminator {100*el['discriminator_accuracy']:.2f}% (replaced {100*el['replaced_fraction']:.1f}%) | {s('electra-lexical')} | {s('electra-plain')} |")
print(f"| none (random initialisation) | 0 | 0 | | {s('scratch-lexical')} | |")
print(f"| lexical baseline | | | | {s('baseline')} | |")
PY
