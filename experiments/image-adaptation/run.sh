#!/usr/bin/env bash
# Domain adaptation by self-supervision (issue 13): MNIST -> USPS and USPS -> MNIST with a
# LeNet-style CNN on 28x28 grey digits. Source labelled (full training split); target training
# split unlabelled (its test split only scores). Conditions, each over SEEDS:
#   source_only       image train on the source
#   byol_target       byol pretrain on the target's training images, then staged fine-tuning
#                     on the source: the head alone for FREEZE steps, then every layer with the
#                     backbone at BACKBONE_LR_SCALE of the head's rate (so fine-tuning on the
#                     source does not wash out what BYOL learnt of the target)
#   byol_both         the same with BYOL on source + target images
# and the three again with FEW labelled target training images added to the source labels
# (few-label regime). Every number is target test accuracy (and log loss, AUC) with flip TTA
# off (digits are not mirror-symmetric). The backbone has batch norm and the BYOL projector
# batch norm (the paper's; PROJECTOR_NORM=layer_norm is the seed's). Sized by the variables
# below; the defaults fit about 45 minutes on 2 cores (docs/results.md says which sizes gave
# its numbers).
# Usage: experiments/image-adaptation/run.sh [WORKDIR]   (FRUGAL=build/frugal, MIRROR=../shared/data)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${MIRROR:-$root/../shared/data}
work=${1:-$root/runs/image-adaptation}
seeds=${SEEDS:-"1 2 3"}
byol_steps=${BYOL_STEPS:-1000}
byol_batch=${BYOL_BATCH:-128}
projector_norm=${PROJECTOR_NORM:-batch_norm}
# Fine-tuning per source: passes over it, and the head-only steps of the staged fine-tuning
# (MNIST: 1 pass = 469 steps of 128; USPS: 5 passes = 285 steps).
mnist_epochs=${MNIST_EPOCHS:-1} mnist_freeze=${MNIST_FREEZE:-300}
usps_epochs=${USPS_EPOCHS:-5} usps_freeze=${USPS_FREEZE:-180}
lr=${LR:-1e-2}                   # every fine-tuning run, source-only included
backbone_lr_scale=${BACKBONE_LR_SCALE:-0.05}
few=${FEW:-100}                  # labelled target images in the few-label regime
directions=${DIRECTIONS:-"mnist:usps usps:mnist"}
threads=${THREADS:-2}
mkdir -p "$work" && cd "$work"
export FRUGAL_HOME=${FRUGAL_HOME:-$work/home}
f() { "$frugal" --no-progress --threads "$threads" --mirror "$mirror" "$@"; }
log() { echo "[$(date +%H:%M:%S)] $*"; }

# The backbone: LeNet-style, 2 conv stages (16, 32 channels, 5x5, batch norm), 128 features.
echo '{"num_channels": 1, "image_size": 28, "conv_channels": [16, 32], "kernel_size": 5, "hidden_size": 128,
       "conv_batch_norm": true}' > cnn.json
# The first FEW labelled training images of each set, as an IDX pair (few-label regime).
for set in mnist usps; do
  [ -f "$set-few-labels.idx" ] && continue
  f data fetch "$set" > /dev/null
  python3 - "$FRUGAL_HOME/data/$set" "$set" "$few" <<'PY'
import os, struct, sys
d, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
prefix = "usps-train" if name == "usps" else "train"
for kind, out in (("images-idx3-ubyte", f"{name}-few-images.idx"), ("labels-idx1-ubyte", f"{name}-few-labels.idx")):
    b = open(os.path.join(d, f"{prefix}-{kind}"), "rb").read()
    nd = b[3]
    dims = list(struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd]))
    per = 1
    for x in dims[1:]: per *= x
    dims[0] = n
    open(out, "wb").write(b[:4] + struct.pack(">" + "I" * nd, *dims) + b[4 + 4 * nd:4 + 4 * nd + n * per])
PY
done

results=results.jsonl
: > "$results.tmp"
for direction in $directions; do
  src=${direction%%:*} tgt=${direction##*:}
  epochs_var=${src}_epochs freeze_var=${src}_freeze
  epochs=${!epochs_var} freeze=${!freeze_var}
  for seed in $seeds; do
    for pre in none target both; do
      backbone=""
      if [ "$pre" != none ]; then
        images="$tgt:train"
        [ "$pre" = both ] && images="$src:train+$tgt:train"
        out=byol-$pre-$src-$tgt-s$seed
        if [ ! -f "$out/model/model.safetensors" ]; then
          log "$direction seed $seed: BYOL on $images, $byol_steps steps"
          f byol pretrain --images "$images" --arch cnn --model-config cnn.json --steps "$byol_steps" --batch-size "$byol_batch" \
            --projection-hidden-size 1024 --projection-size 128 --projector-norm "$projector_norm" --augment digits \
            --log-every 50 --seed "$seed" --out "$out" > "$out.json"
        fi
        backbone="--init $out/model --freeze-backbone-steps $freeze --backbone-lr-scale $backbone_lr_scale"
      fi
      for labels in 0 "$few"; do
        train="$src:train"
        [ "$labels" != 0 ] && train="$src:train+$tgt-few-images.idx,$tgt-few-labels.idx"
        name=ft-$pre-$src-$tgt-l$labels-s$seed
        if [ ! -f "$name/model/model.safetensors" ]; then
          log "$direction seed $seed: fine-tune ($pre, $labels target labels)"
          # shellcheck disable=SC2086
          f image train --train "$train" ${backbone:---arch cnn --model-config cnn.json} --epochs "$epochs" --batch-size 128 \
            --lr "$lr" --seed "$seed" --out "$name" > "$name.json"
        fi
        f image eval --model "$name/model" --data "$tgt:test" > "$name.eval.json"
        python3 - "$name.eval.json" "$src" "$tgt" "$pre" "$labels" "$seed" >> "$results.tmp" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(json.dumps({"source": sys.argv[2], "target": sys.argv[3], "pretraining": sys.argv[4], "target_labels": int(sys.argv[5]),
                  "seed": int(sys.argv[6]), "accuracy": j["accuracy"], "macro_f1": j["macro_f1"], "log_loss": j["log_loss"], "auc": j["auc"]}))
PY
      done
    done
  done
done
mv "$results.tmp" "$results"

# The table: mean +- std over seeds; BYOL's collapse diagnostics and speed from its metrics.
python3 - "$results" <<'PY' | tee table.md
import glob, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    groups.setdefault((r["source"], r["target"], r["target_labels"], r["pretraining"]), []).append(r)
print("| source -> target | target labels | pretraining | accuracy % (mean ± std) | macro-F1 | log loss | AUC | seeds |")
print("|---|---|---|---|---|---|---|---|")
for (s, t, l, p), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2], ["none", "target", "both"].index(kv[0][3]))):
    acc = [100 * r["accuracy"] for r in rs]
    sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
    mean = lambda k: statistics.mean(r[k] for r in rs)
    label = {"none": "none (source only)", "target": "BYOL on target", "both": "BYOL on source + target"}[p]
    print(f"| {s} -> {t} | {l} | {label} | {statistics.mean(acc):.2f} ± {sd:.2f} | {mean('macro_f1'):.4f} | {mean('log_loss'):.4f} | {mean('auc'):.4f} | {len(rs)} |")
print()
print("| BYOL run | images/s (both views) | data fraction | final loss | projection std x sqrt(dim) | representation std x sqrt(dim) | view cosine |")
print("|---|---|---|---|---|---|---|")
for path in sorted(glob.glob("byol-*/metrics.jsonl")):
    lines = [json.loads(l) for l in open(path) if '"embedding_std"' in l]
    if not lines: continue
    last = lines[-1]
    speed = statistics.median(l["images_per_s"] for l in lines[1:] or lines)
    data = statistics.median(l["data_fraction"] for l in lines)
    print(f"| {path.split('/')[0]} | {speed:.0f} | {data:.3f} | {last['loss']:.4f} | {last['embedding_std_x_sqrt_dim']:.3f} | "
          f"{last['representation_std_x_sqrt_dim']:.3f} | {last['view_cosine']:.3f} |")
PY
# The accuracy table as a picture: one bar group per (direction, target labels).
python3 - "$results" > accuracy.dat <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    groups.setdefault((r["source"], r["target"], r["target_labels"]), {}).setdefault(r["pretraining"], []).append(100 * r["accuracy"])
print('group "source only" std "BYOL on target" std "BYOL on source+target" std')
for (s, t, l), by in sorted(groups.items()):
    cells = []
    for p in ("none", "target", "both"):
        v = by.get(p, [0.0])
        cells += [f"{statistics.mean(v):.2f}", f"{statistics.stdev(v) if len(v) > 1 else 0.0:.2f}"]
    print(f'"{s}->{t}, {l} target labels" ' + " ".join(cells))
PY
gnuplot <<'GP'
set terminal svg size 900,420 dynamic font "sans,12"
set output "accuracy.svg"
set title "Target test accuracy (mean and std over seeds)"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set ylabel "accuracy %"
set yrange [50:100]
set key top left
set grid ytics
plot "accuracy.dat" using 2:3:xtic(1) title columnheader(2), "" using 4:5 title columnheader(4), "" using 6:7 title columnheader(6)
GP
log "results in $work/table.md and $work/accuracy.svg"
