#!/usr/bin/env python3
"""TorchScript fixtures for tests/apps/infer_test.sh, made with Debian's python3-torch and
python3-torchvision (random weights, fixed seeds), and the references frugal must match.

  make  DIR   scripted models, their inputs and PyTorch's probabilities in DIR
  bench DIR N SIZE [DEVICE]
              a scripted ResNet-18 and N images of SIZE x SIZE for the precision table,
              with PyTorch's own timings of fp32 / fp16 / bf16 on DEVICE (bench_peer.json)
  compare A.safetensors B.safetensors TENSOR TOL [--agreement MIN]
  compare-like A B REF_A REF_B TENSOR SLACK   A vs B no further apart than REF_A vs REF_B (+ SLACK)
              max |A[TENSOR] - B[TENSOR]| <= TOL (and argmax agreement >= MIN); prints both
"""
import copy
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8, "F16": np.float16}
CODES = {np.dtype(v): k for k, v in DTYPES.items()}


def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        blob = array.tobytes()
        header[name] = {"dtype": CODES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return out


def resnet18(num_classes, size):
    """torchvision's ResNet-18 (random weights) with batch-norm statistics of real-looking
    inputs, so eval outputs are not degenerate; torchvision is optional (the device machine's
    Python may lack it): the same architecture is written out below."""
    import torch
    try:
        import torchvision
        model = torchvision.models.resnet18(num_classes=num_classes)
    except ImportError:
        model = Resnet18(num_classes)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(16, 3, size, size))
        # A decisive classifier (logits spread by ~10), as a trained one is: near-uniform random
        # probabilities would turn rounding noise into argmax flips.
        last = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
        last.weight.mul_(25.0)
    return model.eval()


def _block(torch, cin, cout, stride):
    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = torch.nn.BatchNorm2d(cout)
            self.conv2 = torch.nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = torch.nn.BatchNorm2d(cout)
            self.down = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 1, stride, bias=False), torch.nn.BatchNorm2d(cout)) \
                if stride != 1 or cin != cout else torch.nn.Identity()

        def forward(self, x):
            y = torch.relu(self.bn1(self.conv1(x)))
            return torch.relu(self.bn2(self.conv2(y)) + self.down(x))
    return Block()


def Resnet18(num_classes):
    import torch
    layers = [torch.nn.Conv2d(3, 64, 7, 2, 3, bias=False), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.MaxPool2d(3, 2, 1)]
    for cin, cout, stride in [(64, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2), (512, 512, 1)]:
        layers.append(_block(torch, cin, cout, stride))
    layers += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(512, num_classes)]
    return torch.nn.Sequential(*layers)


def bench(directory, n, size, device="cpu"):
    import time
    import torch
    torch.manual_seed(0)
    model = resnet18(10, size)
    torch.jit.script(model).save(f"{directory}/resnet18_bench.pt")
    images, labels = torch.rand(n, 3, size, size), torch.randint(0, 10, (n,))
    save(f"{directory}/bench_images.safetensors", {"input": images.numpy(), "labels": labels.numpy()})
    # PyTorch's own numbers for the same model and inputs, the seed's recipe: model.half(),
    # TorchScript, inputs cast, logits back to fp32 before the softmax.
    rows, batch = [], 64
    for name, dtype in [("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)]:
        if device == "cpu" and dtype == torch.float16:
            continue
        m = torch.jit.script(copy.deepcopy(model)).to(device, dtype)
        times = []
        with torch.inference_mode():
            m(images[:batch].to(device, dtype))
            for _ in range(3):
                for first in range(0, n, batch):
                    x = images[first:first + batch].to(device, dtype)
                    if device != "cpu":
                        torch.cuda.synchronize()
                    start = time.perf_counter()
                    m(x).float().softmax(1)
                    if device != "cpu":
                        torch.cuda.synchronize()
                    times.append(1000 * (time.perf_counter() - start))
        times.sort()
        rows.append({"precision": name, "peer": "pytorch-torchscript", "batch_size": batch, "ms_per_batch": times[len(times) // 2]})
    with open(f"{directory}/bench_peer.json", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"bench fixtures in {directory}: {n} images of {size}x{size}; peer: {rows}")


def make(directory):
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)

    # The seed's kind of model: an image classifier (ResNet-18, 10 classes) on 32x32 images.
    resnet = resnet18(10, 32)
    images = torch.rand(128, 3, 32, 32)
    labels = torch.randint(0, 10, (128,))
    scripted = torch.jit.script(resnet)
    scripted.save(f"{directory}/resnet18.pt")
    with torch.no_grad():
        probs = torch.softmax(resnet(images), 1)
        # The seed's recipe in PyTorch: the scripted model in bf16, inputs cast, logits to fp32.
        half = torch.jit.script(copy.deepcopy(resnet)).to(torch.bfloat16)
        parts = [torch.softmax(half(images[i:i + 32].to(torch.bfloat16)).float(), 1) for i in range(0, len(images), 32)]
    save(f"{directory}/resnet18_bf16_ref.safetensors", {"probs": torch.cat(parts).numpy()})
    save(f"{directory}/images.safetensors", {"input": images.numpy(), "labels": labels.numpy()})
    save(f"{directory}/resnet18_ref.safetensors", {"probs": probs.numpy()})
    # The same kind of images as IDX files (uint8, N x H x W x C), for --images; PyTorch's
    # probabilities on pixels / 255, normalised with ImageNet's mean and std.
    pixels = (images * 255).round().to(torch.uint8)
    with open(f"{directory}/images.idx", "wb") as f:
        f.write(bytes([0, 0, 8, 4]) + struct.pack(">IIII", 128, 32, 32, 3) + pixels.permute(0, 2, 3, 1).contiguous().numpy().tobytes())
    with open(f"{directory}/labels.idx", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + struct.pack(">I", 128) + labels.to(torch.uint8).numpy().tobytes())
    mean, std = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        probs = torch.softmax(resnet((pixels.float() / 255 - mean) / std), 1)
    save(f"{directory}/resnet18_idx_ref.safetensors", {"probs": probs.numpy()})

    # A text classifier: embedding -> bidirectional LSTM -> mean over time -> Linear.
    class LstmClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(1000, 64)
            self.lstm = torch.nn.LSTM(64, 64, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(128, 3)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            states, _ = self.lstm(self.embedding(ids))
            return self.out(states.mean(1))

    lstm = LstmClassifier().eval()
    ids = torch.randint(0, 1000, (200, 24))
    torch.jit.script(lstm).save(f"{directory}/lstm.pt")
    with torch.no_grad():
        probs = torch.softmax(lstm(ids), 1)
    save(f"{directory}/ids.safetensors", {"input": ids.numpy()})
    save(f"{directory}/lstm_ref.safetensors", {"probs": probs.numpy()})

    # An MLP, with PyTorch's own dynamic int8 quantization as the int8 reference.
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 5)).eval()
    features = torch.randn(300, 64)
    torch.jit.script(mlp).save(f"{directory}/mlp.pt")
    quantized = torch.quantization.quantize_dynamic(mlp, {torch.nn.Linear}, dtype=torch.qint8)
    with torch.no_grad():
        fp32 = torch.softmax(mlp(features), 1)
        # Dynamic quantization scales the activations by the batch's range, so the reference runs
        # the batches frugal runs: 32 rows, the last one padded by repeating its first row.
        parts = []
        for first in range(0, len(features), 32):
            rows = features[first:first + 32]
            rows = torch.cat([rows, rows[:1].repeat(32 - len(rows), 1)])
            parts.append(torch.softmax(quantized(rows), 1)[:min(32, len(features) - first)])
        int8 = torch.cat(parts)
    save(f"{directory}/features.safetensors", {"input": features.numpy(), "labels": torch.randint(0, 5, (300,)).numpy()})
    save(f"{directory}/mlp_ref.safetensors", {"probs": fp32.numpy()})
    save(f"{directory}/mlp_int8_ref.safetensors", {"probs": int8.numpy()})
    print(f"fixtures in {directory}: quantized engine {torch.backends.quantized.engine}")


def drift(a_path, b_path, name):
    """(max |A - B|, argmax agreement) of TENSOR NAME in two files; None (and a FAIL line) when shapes differ."""
    a, b = load(a_path)[name].astype(np.float64), load(b_path)[name].astype(np.float64)
    if a.shape != b.shape:
        print(f"FAIL {a_path} {b_path}: shapes {a.shape} vs {b.shape}")
        return None
    return float(np.abs(a - b).max()), float((a.argmax(1) == b.argmax(1)).mean())


def compare(a_path, b_path, name, tolerance, agreement=None):
    measured = drift(a_path, b_path, name)
    if measured is None:
        return 1
    diff, agree = measured
    ok = diff <= tolerance and (agreement is None or agree >= agreement)
    print(f"{'ok' if ok else 'FAIL'} {a_path} vs {b_path}: max |d{name}| = {diff:.3g} (tolerance {tolerance}), argmax agreement {agree:.4f}"
          + ("" if agreement is None else f" (at least {agreement})"))
    return 0 if ok else 1


def compare_like(a_path, b_path, ref_a_path, ref_b_path, name, slack):
    """A vs B no further apart than PyTorch's REF_A vs REF_B on this machine (plus SLACK)."""
    measured, reference = drift(a_path, b_path, name), drift(ref_a_path, ref_b_path, name)
    if measured is None or reference is None:
        return 1
    (diff, agree), (ref_diff, ref_agree) = measured, reference
    ok = diff <= ref_diff + slack and agree >= ref_agree - slack
    print(f"{'ok' if ok else 'FAIL'} {a_path} vs {b_path}: max |d{name}| = {diff:.3g}, argmax agreement {agree:.4f}; "
          f"PyTorch's {ref_a_path} vs {ref_b_path}: {ref_diff:.3g}, {ref_agree:.4f} (slack {slack})")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else "cpu")
    elif sys.argv[1] == "compare-like":
        sys.exit(compare_like(*sys.argv[2:7], float(sys.argv[7])))
    elif sys.argv[1] == "compare":
        agreement = float(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[6] == "--agreement" else None
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), agreement))
