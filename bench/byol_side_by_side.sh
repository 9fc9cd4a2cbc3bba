#!/usr/bin/env bash
# BYOL training speed side by side (issue 13): `frugal byol pretrain` and the same model and
# step in PyTorch 1.13 eager (bench/byol_train_peer.py, torchvision transforms) on the USPS
# training images, one after the other in one run, at THREADS threads. Prints images/s (both
# views counted) and the fraction of each step spent producing the batch.
# Usage: bench/byol_side_by_side.sh [WORKDIR]   (FRUGAL=build/frugal, MIRROR=../shared/data, THREADS=2, STEPS=40)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frugal=${FRUGAL:-$root/build/frugal}
mirror=${MIRROR:-$root/../shared/data}
work=${1:-$root/runs/byol-bench}
threads=${THREADS:-2}
steps=${STEPS:-40}
mkdir -p "$work" && cd "$work"
echo '{"num_channels": 1, "image_size": 28, "conv_channels": [16, 32], "kernel_size": 5, "hidden_size": 128}' > cnn.json
rm -rf frugal-run
"$frugal" --no-progress --threads "$threads" --mirror "$mirror" byol pretrain --images usps:train --arch cnn --model-config cnn.json \
  --steps $((steps + 5)) --batch-size 128 --projection-hidden-size 1024 --projection-size 128 --augment digits --log-every 5 \
  --seed 1 --out frugal-run > /dev/null
python3 - frugal-run/metrics.jsonl "$threads" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"images_per_s"' in l][1:]  # the first window warms up
print(json.dumps({"peer": "frugal", "threads": int(sys.argv[2]), "batch_size": 128, "steps": 5 * len(lines),
                  "images_per_s": statistics.median(l["images_per_s"] for l in lines),
                  "data_fraction": statistics.median(l["data_fraction"] for l in lines), "final_loss": lines[-1]["loss"]}))
PY
/usr/bin/python3 "$root/bench/byol_train_peer.py" --images "$mirror/images/usps/usps-train-images-idx3-ubyte.gz" --steps "$steps" \
  --threads "$threads" --batch-size 128
