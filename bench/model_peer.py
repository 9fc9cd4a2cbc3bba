"""PyTorch 1.13 eager peer of build/bench/bench_model (same models, shapes, threads):
MLM training step (HF-style head over all positions, and over masked positions only, as
frugal does), encoder inference at batch 1 and 32, GEMM ceiling; --onnx DIR also exports the
encoder to ONNX for bench/onnx_peer.js.
Run: /usr/bin/python3 bench/model_peer.py --threads 2 [--onnx /tmp/onnx]"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, H, L, A, I, S = 8000, 256, 4, 4, 1024, 128


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.ln1, self.ln2 = nn.LayerNorm(H, eps=1e-12), nn.LayerNorm(H, eps=1e-12)
        self.fc1, self.fc2 = nn.Linear(H, I), nn.Linear(I, H)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, bias):
        b, s, _ = x.shape
        split = lambda t: t.view(b, s, A, H // A).permute(0, 2, 1, 3)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        p = self.drop((q @ k.transpose(-1, -2) / math.sqrt(H // A) + bias).softmax(-1))
        ctx = (p @ v).permute(0, 2, 1, 3).reshape(b, s, H)
        x = self.ln1(self.drop(self.o(ctx)) + x)
        return self.ln2(self.drop(self.fc2(F.gelu(self.fc1(x)))) + x)


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.segment = nn.Embedding(V, H), nn.Embedding(S, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.t_dense, self.t_ln = nn.Linear(H, H), nn.LayerNorm(H, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(V))

    def encode(self, ids, types, mask):
        x = self.drop(self.ln(self.word(ids) + self.pos(torch.arange(ids.shape[1]))[None] + self.segment(types)))
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def head(self, h):
        return F.linear(self.t_ln(F.gelu(self.t_dense(h))), self.word.weight, self.bias)


def timeit(fn, seconds):
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return (time.perf_counter() - start) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--onnx", help="export the encoder to DIR/encoder.onnx")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    ids = torch.randint(5, V, (32, S))
    types, mask = torch.zeros_like(ids), torch.ones_like(ids)
    labels = torch.where(torch.rand(32, S) < 0.15, ids, torch.full_like(ids, -100))
    model = Bert()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)

    def step(all_positions):
        opt.zero_grad()
        h = model.encode(ids, types, mask)
        if all_positions:  # as HF's BertForMaskedLM
            loss = F.cross_entropy(model.head(h).view(-1, V), labels.view(-1), ignore_index=-100)
        else:
            where = (labels.view(-1) != -100).nonzero().squeeze(1)
            loss = F.cross_entropy(model.head(h.reshape(-1, H)[where]), labels.view(-1)[where])
        loss.backward()
        opt.step()

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for all_positions in (True, False):
        t = timeit(lambda: step(all_positions), args.seconds)
        print(f"mlm_train_step head={'all' if all_positions else 'masked'}: {t * 1e3:.1f} ms, {32 * S / t:.0f} tokens/s")
    model.eval()
    with torch.no_grad():
        for b in (1, 32):
            t = timeit(lambda: model.encode(ids[:b], types[:b], mask[:b]), args.seconds)
            print(f"encoder_forward batch={b}: {t * 1e3:.2f} ms")
    a, c = torch.randn(1024, 1024), torch.randn(1024, 1024)
    t = timeit(lambda: a @ c, args.seconds)
    print(f"gemm 1024^3: {t * 1e3:.2f} ms, {2 * 1024 ** 3 / t / 1e9:.1f} GFLOP/s")
    if args.onnx:
        import os
        os.makedirs(args.onnx, exist_ok=True)

        class Encoder(nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, ids, types, mask):
                return self.m.encode(ids, types, mask)

        torch.onnx.export(Encoder(model), (ids[:2], types[:2], mask[:2]), os.path.join(args.onnx, "encoder.onnx"),
                          input_names=["input_ids", "token_type_ids", "attention_mask"], output_names=["hidden"],
                          dynamic_axes={n: {0: "batch"} for n in ["input_ids", "token_type_ids", "attention_mask", "hidden"]},
                          opset_version=14)
        print(f"exported {args.onnx}/encoder.onnx")


if __name__ == "__main__":
    main()
