#!/usr/bin/env bash
# The paper's protocol (Puri et al. 2020, section 4), at the scale of a 2-core machine:
#   Wikipedia QA data (SQuAD v1.1 dev, SQuADShifts New-Wiki, TyDi QA English GoldP train+dev),
#   split by article into A (generators + filter), B (generate on its contexts), C (score).
#   QA models trained on: (i) B human, (ii) synthetic B unfiltered, (iii) synthetic B filtered,
#   (iv) synthetic B filtered + B human; all scored on C with the official EM/F1.
# Reuses the BERT and WordPiece vocabulary of experiments/domain-adaptation (run it first; its
# source corpus holds these Wikipedia contexts, without questions, as BERT's pretraining did).
# Usage: experiments/synthetic-qa/run.sh [WORK_DIR]   (env: FRUGAL, FRUGAL_MIRROR, DA_DIR,
#        MAX_ARTICLES, TYDI_ARTICLES, EPOCHS, LM_STEPS)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
work=${1:-$root/runs/synthetic-qa}
da=${DA_DIR:-$root/runs/domain-adaptation}
max_articles=${MAX_ARTICLES:-20}
tydi_articles=${TYDI_ARTICLES:-1000}
epochs=${EPOCHS:-2}
lm_steps=${LM_STEPS:-1500}
mkdir -p "$work" && cd "$work"
source "$root/experiments/synthetic-qa/common.sh"
declare -A seconds
t0=$(stamp)
[ -f "$da/source-model/model/model.safetensors" ] || { echo "run experiments/domain-adaptation/run.sh first"; exit 2; }
python3 "$root/experiments/synthetic-qa/split.py" parts "$mirror/squad/dev-v1.1.json" \
  "$mirror/qa/squadshifts/new_wiki_v1.0.json" "$mirror/qa/tydiqa/english_tydiqa_goldp_train.json" \
  --parts A:2,B:2,C:1 --max-articles "$max_articles,$max_articles,$tydi_articles" > parts.txt  # TyDi: 1 paragraph/article
cat parts.txt
bert=$da/source-model/model
cp "$da/tokenizer/vocab.txt" "$bert/" 2>/dev/null || true

# GPT-2 for question generation: byte-level BPE with <sep>, causal LM on the same source corpus.
t=$(stamp)
[ -d bpe ] || f tokenize train --type bpe --vocab-size 8000 --corpus "$da/source.txt" --special-tokens '<|endoftext|>,<sep>' --out bpe > /dev/null
echo '{"n_embd": 128, "n_layer": 4, "n_head": 2, "n_positions": 320}' > gpt2.json
[ -f gpt2/model/model.safetensors ] || f pretrain lm --corpus "$da/source.txt" --tokenizer bpe --model-config gpt2.json \
  --steps "$lm_steps" --batch-size 32 --max-length 128 --lr 1e-3 --seed 1 --out gpt2 > gpt2.log
seconds[gpt2]=$(( $(stamp) - t ))

common=(--max-length 256 --stride 64 --seed 1)
t=$(stamp)
[ -f answers/model/model.safetensors ] || f qagen train-answers --train parts/A.json --dev parts/C.json --init "$bert" \
  --epochs "$epochs" --batch-size 16 --lr 3e-4 "${common[@]}" --out answers > answers.log
seconds[answers]=$(( $(stamp) - t )); t=$(stamp)
[ -f questions/model/model.safetensors ] || f qagen train-questions --train parts/A.json --init gpt2/model \
  --epochs "$epochs" --batch-size 16 --lr 5e-4 --seed 1 --out questions > questions.log
seconds[questions]=$(( $(stamp) - t )); t=$(stamp)
[ -f filter/model/model.safetensors ] || f qa train --train parts/A.json --dev parts/C.json --init "$bert" \
  --epochs "$epochs" --batch-size 16 --lr 3e-4 "${common[@]}" --out filter > filter.log
seconds[filter]=$(( $(stamp) - t )); t=$(stamp)

write_pipeline parts/B.json
f qagen run --config pipeline.json | tee generation.txt
seconds[generation]=$(( $(stamp) - t ))
merge_squad gen/synthetic-plus-human.json gen/synthetic.json parts/B.json
results="{"
for name in human:parts/B.json unfiltered:gen/synthetic-unfiltered.json filtered:gen/synthetic.json both:gen/synthetic-plus-human.json; do
  results+=$(qa_row "${name%%:*}" "$bert" "${name#*:}" C parts/C.json)
done
results+="\"seconds\": {\"gpt2\": ${seconds[gpt2]}, \"answers\": ${seconds[answers]}, \"questions\": ${seconds[questions]}, \"filter\": ${seconds[filter]}, \"generation\": ${seconds[generation]}, \"total\": $(( $(stamp) - t0 ))}}"
echo "$results" | python3 -m json.tool > results.json
cat results.json
# 20 random generated pairs with their verdicts (seeded).
python3 "$root/experiments/synthetic-qa/samples.py" gen/filtered.jsonl 20 20 > samples.md
cat samples.md
# The figure beside the table in docs/results.md: the generators' and QA models' training curves.
f plot answers/metrics.jsonl questions/metrics.jsonl filter/metrics.jsonl --label "answer spans,question generator,filter QA" \
  --y loss --title "Synthetic QA: training the three models on part A" --out generators.svg
f plot qa-human/metrics.jsonl qa-unfiltered/metrics.jsonl qa-filtered/metrics.jsonl qa-both/metrics.jsonl \
  --label "human B,synthetic unfiltered,synthetic filtered,synthetic + human" --y loss --title "QA fine-tuning, scored on part C" --out qa-training.svg
