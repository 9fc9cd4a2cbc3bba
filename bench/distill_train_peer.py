"""PyTorch 1.13 eager peer of `frugal distill train` (issue 12): the seed's student (3-layer
BiLSTM, 384 per direction, locked dropout 0.25, attention pooling, MLP 512 + batch norm,
300-d embeddings) trained with the same loop: the same token ids (frugal tokenize output),
batches of 64 sorted by length within chunks of 50 batches, packed sequences, MSE on the
teacher's logits, AdamW with gradient clipping at 1.0. Prints rows/s over --steps steps after
--warmup steps.
Run: /usr/bin/python3 bench/distill_train_peer.py --ids ids.txt --threads 2"""
import argparse
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

V, E, H, LAYERS, P = 30522, 300, 384, 3, 0.25


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = nn.ModuleList([nn.LSTM(E if i == 0 else 2 * H, H, batch_first=True, bidirectional=True) for i in range(LAYERS)])
        self.att = nn.Linear(2 * H, 1, bias=False)
        self.fc, self.bn, self.out = nn.Linear(2 * H, 512), nn.BatchNorm1d(512), nn.Linear(512, 2)

    def locked(self, x):
        if not self.training:
            return x
        return x * torch.empty(x.shape[0], 1, x.shape[2]).bernoulli_(1 - P) / (1 - P)

    def forward(self, ids, lengths, mask):
        x = self.locked(self.emb(ids))
        for i, rnn in enumerate(self.rnn):
            out, _ = rnn(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
            x, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
            if i + 1 < len(self.rnn):
                x = self.locked(x)
        scores = self.att(x).squeeze(-1).masked_fill(~mask, float("-inf"))
        h = (scores.softmax(1).unsqueeze(-1) * x).sum(1)
        return self.out(torch.relu(self.bn(self.fc(h))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ids", required=True, help="one row of space-separated token ids per line")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    rows = [[int(t) for t in line.split()] for line in open(args.ids) if line.strip()]
    rng = random.Random(1)
    order = list(range(len(rows)))
    rng.shuffle(order)
    chunk = args.batch_size * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: len(rows[i]))
        batches += [part[i:i + args.batch_size] for i in range(0, len(part), args.batch_size)]
    rng.shuffle(batches)
    teacher = torch.randn(len(rows), 2)
    model = Student()
    model.train()
    decay = [p for n, p in model.named_parameters() if not n.endswith("bias") and "bn" not in n]
    plain = [p for n, p in model.named_parameters() if n.endswith("bias") or "bn" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": plain, "weight_decay": 0.0}], lr=1e-3)
    start, done = None, 0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        b = batches[step % len(batches)]
        n = max(len(rows[i]) for i in b)
        ids = torch.zeros(len(b), n, dtype=torch.long)
        for r, i in enumerate(b):
            ids[r, :len(rows[i])] = torch.tensor(rows[i])
        lengths = torch.tensor([len(rows[i]) for i in b])
        mask = torch.arange(n).unsqueeze(0) < lengths.unsqueeze(1)
        logits = model(ids, lengths, mask)
        loss = (logits - teacher[b]).pow(2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step >= args.warmup:
            done += len(b)
    elapsed = time.perf_counter() - start
    print(f"pytorch-eager distill train: {args.steps} steps of {args.batch_size}, {done / elapsed:.1f} rows/s, "
          f"{1000 * elapsed / args.steps:.1f} ms/step (threads {args.threads}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
