#!/usr/bin/env python3
"""The PyTorch 1.13 eager peer of `frugal byol pretrain` (bench/byol_side_by_side.sh): the same
LeNet-style backbone, projector and predictor (Linear -> LayerNorm -> ReLU -> Linear), EMA
target (tau cosine-scheduled from 0.99), symmetric 2 - 2 cos loss, Adam 3e-4, and the "digits"
augmentation with torchvision transforms (RandomResizedCrop scale 0.5-1, ColorJitter(0.4, 0.4)
p 0.8, GaussianBlur p 0.1, RandomRotation(15) p 0.5) on the unlabelled USPS training images,
resized to 28x28. Prints one JSON line: images/s over the timed steps and the data fraction."""
import argparse, copy, gzip, json, math, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as T

p = argparse.ArgumentParser()
p.add_argument("--images", required=True)
p.add_argument("--steps", type=int, default=30)
p.add_argument("--warmup-steps", type=int, default=5)
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--hidden", type=int, default=1024)
p.add_argument("--projection", type=int, default=128)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

raw = gzip.open(a.images).read() if a.images.endswith(".gz") else open(a.images, "rb").read()
n, h, w = struct.unpack(">III", raw[4:16])
images = torch.from_numpy(np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, 1, h, w).copy())


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(1, 16, 5), nn.Conv2d(16, 32, 5)])
        self.dense = nn.Linear(32 * 4 * 4, 128)

    def forward(self, x):
        for c in self.convs:
            x = F.max_pool2d(F.relu(c(x)), 2)
        return F.relu(self.dense(x.flatten(1)))


def mlp(i):
    return nn.Sequential(nn.Linear(i, a.hidden), nn.LayerNorm(a.hidden), nn.ReLU(), nn.Linear(a.hidden, a.projection))


online = nn.ModuleDict({"backbone": Backbone(), "projector": mlp(128)})
predictor = mlp(a.projection)
target = copy.deepcopy(online)
for q in target.parameters():
    q.requires_grad_(False)
opt = torch.optim.Adam(list(online.parameters()) + list(predictor.parameters()), lr=3e-4)
augment = T.Compose([
    T.Resize(28, antialias=True),
    T.RandomResizedCrop(28, scale=(0.5, 1.0), antialias=True),
    T.RandomApply([T.ColorJitter(0.4, 0.4)], p=0.8),
    T.RandomApply([T.GaussianBlur(3, (0.1, 1.0))], p=0.1),
    T.RandomApply([T.RandomRotation(15)], p=0.5),
    T.Normalize([0.5], [0.5]),
])


def loss_fn(p, z):
    return 2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1)


total = a.warmup_steps + a.steps
data_s = step_s = 0.0
g = torch.Generator().manual_seed(1)
for step in range(total):
    t0 = time.perf_counter()
    idx = torch.randint(0, n, (a.batch_size,), generator=g)
    batch = images[idx].float() / 255.0
    v1 = torch.stack([augment(x) for x in batch])
    v2 = torch.stack([augment(x) for x in batch])
    x = torch.cat([v1, v2])
    t1 = time.perf_counter()
    pred = predictor(online["projector"](online["backbone"](x)))
    with torch.no_grad():
        z = target["projector"](target["backbone"](x))
    b = a.batch_size
    loss = (loss_fn(pred[:b], z[b:]) + loss_fn(pred[b:], z[:b])).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    tau = 1 - (1 - 0.99) * (math.cos(math.pi * (step + 1) / total) + 1) / 2
    with torch.no_grad():
        for po, pt in zip(online.parameters(), target.parameters()):
            pt.mul_(tau).add_(po, alpha=1 - tau)
    t2 = time.perf_counter()
    if step >= a.warmup_steps:
        data_s += t1 - t0
        step_s += t2 - t0
print(json.dumps({"peer": "pytorch-eager", "torch": torch.__version__, "threads": a.threads, "batch_size": a.batch_size,
                  "steps": a.steps, "images_per_s": 2 * a.batch_size * a.steps / step_s, "data_fraction": data_s / step_s,
                  "final_loss": loss.item()}))
