#!/usr/bin/env bash
# Distillation on SST-2 (issue 12): a BERT teacher (MLM-pretrained on the SST-2 training
# sentences, then fine-tuned), and BiLSTM students trained on labels only, distilled without
# augmentation, with masking only and with Tang et al.'s full augmentation, each over SEEDS.
# The 872-row dev set is split 50/50 into dev/test with a fixed seed (as the seed's report did).
# Everything is sized by the variables below; the defaults fit about an hour on 2 cores
# (docs/results.md says which sizes gave its numbers).
# Usage: experiments/distillation/run.sh [WORKDIR]   (FRUGAL=build/frugal, MIRROR=../shared/data)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${MIRROR:-$root/../shared/data}
work=${1:-$root/runs/distillation}
vocab=$mirror/vocab/bert-base-uncased/vocab.txt
seeds=${SEEDS:-"1 2 3"}
train_rows=${TRAIN_ROWS:-67349}          # SST-2 training rows used (all by default)
pretrain_steps=${PRETRAIN_STEPS:-600}   # teacher MLM pretraining steps
teacher_epochs=${TEACHER_EPOCHS:-1}
student_epochs=${STUDENT_EPOCHS:-1}
aug_rows=${AUG_ROWS:-10000}              # originals augmented (n_iter each)
n_iter=${N_ITER:-2}
threads=${THREADS:-2}
mkdir -p "$work" && cd "$work"
f() { "$frugal" --no-progress --threads "$threads" "$@"; }
log() { echo "[$(date +%H:%M:%S)] $*"; }

# Data: the training slice and the dev split (seeded shuffle, first half dev, second half test).
# Written once: a rerun resumes the runs below, which fingerprint their inputs.
if [ ! -f test.tsv ]; then
  head -n $((train_rows + 1)) "$mirror/sst2/train.tsv" > train.tsv
  head -n 1 "$mirror/sst2/dev.tsv" > dev.tsv && cp dev.tsv test.tsv
  tail -n +2 "$mirror/sst2/dev.tsv" | shuf --random-source=<(yes 12) > dev-shuffled.tsv
  half=$(( $(wc -l < dev-shuffled.tsv) / 2 ))
  head -n "$half" dev-shuffled.tsv >> dev.tsv
  tail -n +$((half + 1)) dev-shuffled.tsv >> test.tsv
fi
log "data: $(($(wc -l < train.tsv) - 1)) train, $(($(wc -l < dev.tsv) - 1)) dev, $(($(wc -l < test.tsv) - 1)) test"

# Teacher: BERT 4 x 256 (11M parameters), MLM on the training sentences, then fine-tuned.
cat > bert.json <<'JSON'
{"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024,
 "max_position_embeddings": 128}
JSON
[ -f corpus.txt ] || cut -f1 train.tsv | tail -n +2 > corpus.txt
if [ ! -f teacher-mlm/model/model.safetensors ]; then
  log "teacher: MLM pretraining, $pretrain_steps steps"
  f pretrain mlm --corpus corpus.txt --tokenizer "$vocab" --model-config bert.json --max-length 64 --batch-size 64 \
    --steps "$pretrain_steps" --lr 5e-4 --seed 1 --out teacher-mlm > teacher-mlm.json
fi
if [ ! -f teacher/model/model.safetensors ]; then
  log "teacher: fine-tuning, $teacher_epochs epochs"
  f classify train --train train.tsv --dev dev.tsv --arch bert --init teacher-mlm/model --max-length 64 --batch-size 32 \
    --epochs "$teacher_epochs" --lr 5e-5 --eval-every 500 --seed 1 --out teacher > teacher.json
fi
f classify eval --model teacher/best --data test.tsv --max-length 64 > teacher.test.json
f classify eval --model teacher/best --data dev.tsv --max-length 64 > teacher.dev.json
log "teacher: test $(cat teacher.test.json)"

# Augmented training sets: the originals, then n_iter variants of the first aug_rows rows.
if [ ! -f train-tang.tsv ]; then
  head -n $((aug_rows + 1)) train.tsv > to-augment.tsv
  f augment tang --input to-augment.tsv --output mask-part.tsv --p-mask 0.1 --p-pos 0 --p-ng 0 --n-iter "$n_iter" --seed 1
  f augment tang --input to-augment.tsv --output tang-part.tsv --n-iter "$n_iter" --seed 1
  for kind in mask tang; do
    { cat train.tsv; tail -n +$((aug_rows + 2)) $kind-part.tsv; } > train-$kind.tsv
  done
fi
for set in train train-mask train-tang; do
  log "teacher logits: $set ($(($(wc -l < $set.tsv) - 1)) rows)"
  f distill label --teacher teacher/best --input $set.tsv --out $set.logits.safetensors --max-length 64
done

# Students: Tang's BiLSTM (300-d embeddings from scratch, 1 x 150 per direction, FC 200). Small
# models use two cores poorly, so two students train side by side with one thread each.
student() {
  local run=$1 seed=$2
  local common=(--arch bilstm --dev dev.tsv --max-length 64 --batch-size 50 --epochs "$student_epochs" --lr 1e-3 --eval-every 500)
  local g=("$frugal" --no-progress --threads 1)
  if [ ! -f $run-$seed/model/config.json ]; then
    case $run in
      labels) "${g[@]}" classify train --train train.tsv "${common[@]}" --tokenizer "$vocab" --seed "$seed" --out $run-$seed ;;
      kd) "${g[@]}" distill train --train train.tsv --logits train.logits.safetensors "${common[@]}" --seed "$seed" --out $run-$seed ;;
      kd-mask) "${g[@]}" distill train --train train-mask.tsv --logits train-mask.logits.safetensors "${common[@]}" --seed "$seed" --out $run-$seed ;;
      kd-tang) "${g[@]}" distill train --train train-tang.tsv --logits train-tang.logits.safetensors "${common[@]}" --seed "$seed" --out $run-$seed ;;
    esac > $run-$seed.json
  fi
  "${g[@]}" classify eval --model $run-$seed/best --data test.tsv --max-length 64 > $run-$seed.test.json
  "${g[@]}" classify eval --model $run-$seed/best --data dev.tsv --max-length 64 > $run-$seed.dev.json
  log "$run seed $seed: test $(cat $run-$seed.test.json)"
}
export -f student log
export frugal vocab student_epochs
for seed in $seeds; do for run in labels kd kd-mask kd-tang; do echo "$run $seed"; done; done |
  xargs -P 2 -L 1 bash -c 'student "$0" "$1"' 2> students.log

# The table: mean +- std over seeds of dev and test accuracy.
python3 - "$seeds" <<'PY' | tee results.md
import json, statistics, sys
seeds = sys.argv[1].split()
def acc(name, split): return 100 * json.load(open(f"{name}.{split}.json"))["accuracy"]
print("| model | dev accuracy | test accuracy |")
print("|---|---|---|")
print(f"| teacher (BERT 4x256, MLM on SST-2 train, fine-tuned) | {acc('teacher', 'dev'):.1f} | {acc('teacher', 'test'):.1f} |")
for run, label in [("labels", "BiLSTM, labels only"), ("kd", "BiLSTM distilled, no augmentation"),
                   ("kd-mask", "BiLSTM distilled, masking only"), ("kd-tang", "BiLSTM distilled, Tang augmentation")]:
    cells = []
    for split in ("dev", "test"):
        v = [acc(f"{run}-{s}", split) for s in seeds]
        sd = statistics.stdev(v) if len(v) > 1 else 0.0
        cells.append(f"{statistics.mean(v):.1f} ± {sd:.1f}")
    print(f"| {label} ({len(seeds)} seeds) | {cells[0]} | {cells[1]} |")
PY
# The figures beside the table in docs/results.md: the teacher's and the seed-1 students' curves.
f plot teacher/metrics.jsonl --y loss,eval.accuracy --title "Teacher: fine-tuning BERT 4x256 on SST-2" --out teacher.svg
f plot labels-1/metrics.jsonl kd-1/metrics.jsonl kd-mask-1/metrics.jsonl kd-tang-1/metrics.jsonl \
  --label "labels only,distilled,distilled + masking,distilled + Tang augmentation" --y eval.accuracy \
  --title "BiLSTM students (seed 1): dev accuracy" --out students.svg
log "results: $work/results.md, teacher.svg, students.svg"
