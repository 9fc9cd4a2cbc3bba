#!/usr/bin/env bash
# byol pretrain | image train | eval | predict end to end on slices of USPS and MNIST with tiny
# models (about a minute): an interrupted BYOL run resumed gives the same bytes as an
# uninterrupted one, as does one planned by --time-budget (capped by its --steps), its collapse
# diagnostics are logged, staged fine-tuning from the BYOL backbone, a ResNet-v2 from scratch,
# eval's scores equal scikit-learn's on predict's
# probabilities (1e-9), image folders, and bad image files as one located line with exit 2.
# Usage: image_byol_test.sh FRUGAL MIRROR PYTHON WORKDIR
set -euo pipefail
frugal=$1 mirror=$2 python=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export FRUGAL_HOME="$work/home"
f() { "$frugal" --no-progress --threads 2 --mirror "$mirror" "$@"; }
frugal_options=(--no-progress --threads 1 --mirror "$mirror")
source "$(dirname "${BASH_SOURCE[0]}")/cli_checks.sh"

# IDX slices: 512 USPS training images (unlabelled BYOL input), 1,000 MNIST training images,
# 300 USPS test images; and a folder of PGM files in class subfolders.
"$python" - "$mirror" <<'PY'
import gzip, os, struct, sys
m = sys.argv[1]
def slice_idx(src, dst, n):
    b = gzip.open(src).read()
    nd = b[3]
    dims = list(struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd]))
    per = 1
    for d in dims[1:]: per *= d
    dims[0] = n
    open(dst, "wb").write(b[:4] + struct.pack(">" + "I" * nd, *dims) + b[4 + 4 * nd: 4 + 4 * nd + n * per])
slice_idx(f"{m}/images/usps/usps-train-images-idx3-ubyte.gz", "usps-train.idx", 512)
slice_idx(f"{m}/images/mnist/train-images-idx3-ubyte.gz", "mnist-images.idx", 1000)
slice_idx(f"{m}/images/mnist/train-labels-idx1-ubyte.gz", "mnist-labels.idx", 1000)
slice_idx(f"{m}/images/usps/usps-test-images-idx3-ubyte.gz", "usps-test-images.idx", 300)
slice_idx(f"{m}/images/usps/usps-test-labels-idx1-ubyte.gz", "usps-test-labels.idx", 300)
slice_idx(f"{m}/images/usps/usps-test-labels-idx1-ubyte.gz", "usps-test-labels-299.idx", 299)
b = open("usps-test-images.idx", "rb").read()
open("cut-images.idx", "wb").write(b[:len(b) - 100])
lab = open("usps-test-labels.idx", "rb").read()
for i in range(12):
    d = f"folder/{lab[8 + i]}"
    os.makedirs(d, exist_ok=True)
    img = b[16 + i * 256: 16 + (i + 1) * 256]
    open(f"{d}/img{i:02d}.pgm", "wb").write(b"P5\n16 16\n255\n" + img)
os.makedirs("badfolder/3", exist_ok=True)
open("badfolder/3/broken.png", "wb").write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
PY
echo '{"image_size": 28, "conv_channels": [8, 16], "kernel_size": 5, "hidden_size": 32}' > cnn.json
echo '{"image_size": 28, "embedding_size": 8, "hidden_sizes": [8, 16], "depths": [1, 1], "num_groups": 4}' > resnet.json
byol=(byol pretrain --images usps-train.idx --arch cnn --model-config cnn.json --steps 8 --batch-size 64
      --projection-hidden-size 64 --projection-size 16 --log-every 2 --seed 3)

echo "== BYOL: uninterrupted, and stopped after step 4 then resumed"
f "${byol[@]}" --out byol-a > byol-a.json
for x in model/config.json model/model.safetensors byol/config.json metrics.jsonl; do [ -f byol-a/$x ] || fail "byol-a/$x missing"; done
grep -q '"FrugalCnnModel"' byol-a/model/config.json || fail "DIR/model is not the backbone"
set +e
f "${byol[@]}" --out byol-b --stop-after 4 > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "--stop-after 4 did not stop the run"
[ ! -f byol-b/model/model.safetensors ] || fail "an interrupted run wrote DIR/model"
f "${byol[@]}" --out byol-b > byol-b.json
cmp -s byol-a/model/model.safetensors byol-b/model/model.safetensors || fail "resumed BYOL run differs from the uninterrupted one"
cmp -s byol-a/byol/model.safetensors byol-b/byol/model.safetensors || fail "resumed BYOL target network differs"
# --time-budget beside --steps 8: a calibration run of a throwaway copy first, then the same 8 steps.
f "${byol[@]}" --time-budget 1m --out byol-budget > byol-budget.json
grep -q '"max_steps":8' byol-budget.json && grep -q '"steps":8' byol-budget.json || fail "no capped time-budget plan: $(cat byol-budget.json)"
cmp -s byol-a/byol/model.safetensors byol-budget/byol/model.safetensors || fail "the calibration changed the BYOL run"
"$python" - byol-a/metrics.jsonl <<'PY' || fail "BYOL metrics"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"loss"' in l]
assert len(lines) == 4, lines
for l in lines:
    for k in ("loss", "embedding_std", "embedding_std_x_sqrt_dim", "representation_std_x_sqrt_dim", "view_cosine", "images_per_s", "data_fraction", "tau"):
        assert k in l, (k, l)
    assert 0 <= l["loss"] <= 8 and l["embedding_std"] > 0 and -1 <= l["view_cosine"] <= 1, l
assert lines[0]["tau"] < lines[-1]["tau"] <= 1.0, lines  # cosine-scheduled towards 1
PY

echo "== staged fine-tuning from the BYOL backbone, a ResNet-v2 from scratch"
f image train --train mnist-images.idx,mnist-labels.idx --dev usps-test-images.idx,usps-test-labels.idx --init byol-a \
  --freeze-backbone-steps 5 --epochs 2 --batch-size 64 --augment light --seed 1 --out ft > ft.json 2> ft.err
grep -q 'backbone frozen' ft.err || fail "the backbone was not frozen first"
grep -q 'backbone unfrozen' ft.err || fail "the backbone was never unfrozen"
grep -q '"best_dev_accuracy"' ft.json || fail "no dev accuracy in the summary"
grep -q '"FrugalCnnForImageClassification"' ft/model/config.json || fail "ft/model is not a classifier"
f image train --train mnist-images.idx,mnist-labels.idx --arch resnet --model-config resnet.json --epochs 1 --batch-size 100 \
  --seed 2 --out resnet > resnet.json.out
grep -q '"FrugalResNetV2ForImageClassification"' resnet/model/config.json || fail "no ResNet-v2 classifier"

echo "== eval and predict, against scikit-learn"
f image eval --model ft/model --data usps-test-images.idx,usps-test-labels.idx --tta flip > eval.json
f image predict --model ft --data usps-test-images.idx --tta flip --out probs.jsonl
[ "$(wc -l < probs.jsonl)" -eq 300 ] || fail "predict wrote $(wc -l < probs.jsonl) lines, want 300"
"$python" - probs.jsonl usps-test-labels.idx eval.json <<'PY' || fail "scores differ from scikit-learn"
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
rows = [json.loads(l) for l in open(sys.argv[1])]
truth = list(open(sys.argv[2], "rb").read()[8:])
p = np.array([r["probs"] for r in rows], dtype=np.float64)
pred = [r["prediction"] for r in rows]
assert pred == list(p.argmax(1)), "prediction is not the argmax"
ours = json.load(open(sys.argv[3]))
assert {"accuracy", "macro_f1", "log_loss", "auc", "examples", "per_class"} <= set(ours), ours
ref = {"accuracy": accuracy_score(truth, pred), "macro_f1": f1_score(truth, pred, average="macro"),
       "log_loss": log_loss(truth, np.clip(p, 1e-5, 1 - 1e-5), eps=1e-5, labels=list(range(10))),
       "auc": roc_auc_score(truth, p, multi_class="ovr", average="macro", labels=list(range(10)))}
for k, v in ref.items():
    assert abs(ours[k] - v) <= 1e-9, (k, ours[k], v)
assert ours["examples"] == 300 and sum(c["support"] for c in ours["per_class"]) == 300
print("ok: eval equals scikit-learn:", {k: round(v, 6) for k, v in ref.items()})
PY
f image predict --model ft/model --data folder --out folder.jsonl
[ "$(wc -l < folder.jsonl)" -eq 12 ] || fail "folder predict wrote $(wc -l < folder.jsonl) lines"
grep -q '"path": ".*folder/' folder.jsonl || fail "no path in folder predictions"
f image eval --model ft/model --data folder > folder-eval.json
grep -q '"examples":12' folder-eval.json || fail "folder eval: $(cat folder-eval.json)"
# A classifier refitted to another label set (the folder's classes): the backbone carries over.
f image train --train folder --init ft --epochs 1 --batch-size 4 --seed 1 --out refit > refit.json 2> refit.err
classes=$(ls folder | wc -l)
grep -q "\"num_labels\": $classes" refit/model/config.json || fail "refit: num_labels is not the folder's $classes"
grep -q "tensors copied" refit.err || fail "refit: nothing said about the --init tensors"

echo "== bad image data"
expect_error "cut-images.idx: truncated IDX" image eval --model ft/model --data cut-images.idx,usps-test-labels.idx
expect_error "usps-test-labels-299.idx: 299 labels for the 300 images" image eval --model ft/model --data usps-test-images.idx,usps-test-labels-299.idx
expect_error "broken.png: not a decodable image" image predict --model ft/model --data badfolder --out bad.jsonl
[ ! -e bad.jsonl ] || fail "a failed predict left bad.jsonl"
expect_error "labels are needed" image eval --model ft/model --data usps-test-images.idx
expect_error "no such image data" byol pretrain --images nothing-here --steps 1 --seed 1 --out nope
expect_error "unknown image set 'usps:dev'" image eval --model ft/model --data usps:dev

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "image/BYOL checks passed"
