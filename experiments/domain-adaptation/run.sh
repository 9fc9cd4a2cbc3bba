#!/usr/bin/env bash
# Domain adaptation by continued masked-LM pretraining (issue 5), end to end on this machine:
#   source domain: encyclopaedic / reference text (SQuAD v1.1 dev, SQuADShifts New-Wiki and
#                  TyDi QA English contexts, WordNet glosses, GCIDE dictionary entries)
#   target domain: Amazon product reviews (SQuADShifts Amazon contexts)
# 1. a WordPiece vocabulary (8,000) trained on both corpora' training parts;
# 2. a BERT (4 layers, hidden 128, 2 heads, 256 positions) pretrained from scratch on the source
#    corpus (small enough to get past the unigram plateau in ~15 minutes on 2 cores);
# 3. that model adapted with --init on the target corpus;
# 4. masked-token perplexity of both models on held-out source and target text (same masked
#    positions for both: fixed --seed).
# Usage: experiments/domain-adaptation/run.sh [WORK_DIR]   (FRUGAL, STEPS, ADAPT_STEPS override)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
work=${1:-$root/runs/domain-adaptation}
steps=${STEPS:-3000}
adapt_steps=${ADAPT_STEPS:-600}
mirror=${FRUGAL_MIRROR:-$root/../shared/data}
mkdir -p "$work" && cd "$work"
f() { "$frugal" --mirror "$mirror" "$@"; }

f data corpus --source squad-v1.1-dev,squadshifts-new-wiki,tydiqa-goldp-en,wordnet,gcide --max-documents 20000 \
  --out source.txt --held-out source-held.txt --held-out-every 20
f data corpus --source squadshifts-amazon --out target.txt --held-out target-held.txt --held-out-every 10
cat source.txt target.txt > vocab-corpus.txt
f tokenize train --type wordpiece --vocab-size 8000 --corpus vocab-corpus.txt --out tokenizer
cat > bert-small.json <<'JSON'
{"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 2, "intermediate_size": 512,
 "max_position_embeddings": 256, "type_vocab_size": 2}
JSON
common=(--tokenizer tokenizer/vocab.txt --max-length 128 --batch-size 32 --seed 1 --log-every 25)
start=$(date +%s)
f pretrain mlm "${common[@]}" --corpus source.txt --model-config bert-small.json --steps "$steps" --lr 1e-3 \
  --warmup 0.06 --eval source-held.txt --eval-batches 20 --eval-every 1000 --save-every 500 --out source-model
mid=$(date +%s)
f pretrain mlm "${common[@]}" --corpus target.txt --init source-model/model --steps "$adapt_steps" --lr 3e-4 \
  --warmup 0.1 --eval target-held.txt --eval-batches 20 --eval-every 300 --save-every 300 --out adapted-model
end=$(date +%s)
cp tokenizer/vocab.txt adapted-model/model/ 2>/dev/null || true
{
  echo "{\"steps\": $steps, \"adapt_steps\": $adapt_steps, \"pretrain_s\": $((mid - start)), \"adapt_s\": $((end - mid)),"
  echo " \"results\": ["
  first=1
  for model in source-model/model adapted-model/model; do
    for text in source-held.txt target-held.txt; do
      r=$(f eval mlm --model "$model" --tokenizer tokenizer/vocab.txt --text "$text" --seed 7)
      [ $first -eq 1 ] || echo ","
      first=0
      echo "  {\"model\": \"$model\", \"text\": \"$text\", \"eval\": $r}"
    done
  done
  echo " ]}"
} > results.json
cat results.json
# The figures beside the table in docs/results.md: both pretraining runs' curves.
f plot source-model/metrics.jsonl adapted-model/metrics.jsonl --label "source pretraining,target adaptation" \
  --y loss,eval.loss --title "Masked-LM loss: pretraining, then continued pretraining on the target" --out curves.svg
