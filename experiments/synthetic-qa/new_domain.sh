#!/usr/bin/env bash
# Experiment 6b: a new domain without labels (what users need most).
#   The answer, question and filter models are trained on all the Wikipedia QA data of 6a
#   (A + B + C); synthetic questions are generated on Amazon review contexts only (SQuADShifts
#   Amazon, split by product into G = generate on, contexts only, and T = score on); QA models
#   are trained on Wikipedia human data alone vs. plus the synthetic Amazon data and scored on
#   T's human questions with the official EM/F1. Two rows start QA from the BERT adapted to the
#   Amazon text by experiments/domain-adaptation (masked LM on unlabelled reviews), to show how
#   the two frugal recipes combine.
# Reuses experiments/domain-adaptation (BERTs, WordPiece vocabulary) and experiments/synthetic-qa
# /run.sh (the byte-level BPE and the pretrained GPT-2); run both first.
# Usage: experiments/synthetic-qa/new_domain.sh [WORK_DIR]   (env: FRUGAL, FRUGAL_MIRROR, DA_DIR,
#        QA_DIR, MAX_ARTICLES, TYDI_ARTICLES, EPOCHS)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
work=${1:-$root/runs/synthetic-qa-new-domain}
da=${DA_DIR:-$root/runs/domain-adaptation}
qa6a=${QA_DIR:-$root/runs/synthetic-qa}
max_articles=${MAX_ARTICLES:-12}
tydi_articles=${TYDI_ARTICLES:-600}
epochs=${EPOCHS:-2}
for need in "$da/source-model/model/model.safetensors" "$da/adapted-model/model/model.safetensors" \
            "$qa6a/gpt2/model/model.safetensors" "$qa6a/bpe"; do
  [ -e "$need" ] || { echo "missing $need: run experiments/domain-adaptation/run.sh and experiments/synthetic-qa/run.sh first"; exit 2; }
done
mkdir -p "$work" && cd "$work"
source "$root/experiments/synthetic-qa/common.sh"
declare -A seconds
t0=$(stamp)
split=$root/experiments/synthetic-qa/split.py
# The same Wikipedia articles as 6a (same files and caps), all in one part W.
python3 "$split" wiki "$mirror/squad/dev-v1.1.json" "$mirror/qa/squadshifts/new_wiki_v1.0.json" \
  "$mirror/qa/tydiqa/english_tydiqa_goldp_train.json" --parts W:1 \
  --max-articles "$max_articles,$max_articles,$tydi_articles" > parts.txt
python3 "$split" amazon "$mirror/qa/squadshifts/amazon_reviews_v1.0.json" --parts G:1,T:1 >> parts.txt
cat parts.txt
# The generator sees G's contexts only: drop its questions so no label can leak in.
python3 - <<'PY'
import json
d = json.load(open("amazon/G.json"))
for a in d["data"]:
    for p in a["paragraphs"]:
        p["qas"] = []
json.dump(d, open("amazon/G-contexts.json", "w"), ensure_ascii=False)
PY
bert=$da/source-model/model
adapted=$da/adapted-model/model
cp "$da/tokenizer/vocab.txt" "$bert/" 2>/dev/null || true
cp "$da/tokenizer/vocab.txt" "$adapted/" 2>/dev/null || true

# Generators and filter on all of Wikipedia; no target labels, so no dev set: the last model is used.
common=(--max-length 256 --stride 64 --seed 1)
t=$(stamp)
[ -f answers/model/model.safetensors ] || f qagen train-answers --train wiki/W.json --init "$bert" \
  --epochs "$epochs" --batch-size 16 --lr 3e-4 "${common[@]}" --out answers > answers.log
seconds[answers]=$(( $(stamp) - t )); t=$(stamp)
[ -f questions/model/model.safetensors ] || f qagen train-questions --train wiki/W.json --init "$qa6a/gpt2/model" \
  --epochs "$epochs" --batch-size 16 --lr 5e-4 --seed 1 --out questions > questions.log
seconds[questions]=$(( $(stamp) - t )); t=$(stamp)
[ -f filter/model/model.safetensors ] || f qa train --train wiki/W.json --init "$bert" \
  --epochs "$epochs" --batch-size 16 --lr 3e-4 "${common[@]}" --out filter > filter.log
seconds[filter]=$(( $(stamp) - t )); t=$(stamp)

write_pipeline amazon/G-contexts.json
f qagen run --config pipeline.json | tee generation.txt
seconds[generation]=$(( $(stamp) - t ))
merge_squad gen/wiki-plus-synthetic.json wiki/W.json gen/synthetic.json
results="{"
# label:init:train
# (Wikipedia + unfiltered synthetic data would take 2.6x the training time of the others; 6a
# already compares filtered with unfiltered.)
for row in "wiki:$bert:wiki/W.json" "wiki+filtered:$bert:gen/wiki-plus-synthetic.json" "filtered-only:$bert:gen/synthetic.json" \
           "adapted-wiki:$adapted:wiki/W.json" "adapted-wiki+filtered:$adapted:gen/wiki-plus-synthetic.json"; do
  IFS=: read -r label init data <<< "$row"
  results+=$(qa_row "$label" "$init" "$data" T amazon/T.json)
done
results+="\"seconds\": {\"answers\": ${seconds[answers]}, \"questions\": ${seconds[questions]}, \"filter\": ${seconds[filter]}, \"generation\": ${seconds[generation]}, \"total\": $(( $(stamp) - t0 ))}}"
echo "$results" | python3 -m json.tool > results.json
cat results.json
python3 "$root/experiments/synthetic-qa/samples.py" gen/filtered.jsonl 20 20 > samples.md
cat samples.md
