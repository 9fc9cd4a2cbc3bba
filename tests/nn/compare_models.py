"""`frugal model forward` against an independent PyTorch implementation (reference_models.py)
of the same HF architectures, on checkpoints frugal writes: BERT (base, MLM, classification,
span QA, answer-span scorer; gelu and gelu_new), GPT-2 (LM and base, with and without the
token-type table) and the RNN classifiers (PyTorch's own LSTM / GRU), padded batches. Fails when any output differs by more than --tolerance."""
import argparse
import json
import os
import random
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_models  # noqa: E402

BERT = {"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 48, "max_position_embeddings": 40, "type_vocab_size": 2, "initializer_range": 0.2,
        "max_span_length": 5}
RNN = {"vocab_size": 83, "embedding_dim": 12, "hidden_size": 10, "classifier_hidden": [14, 9], "num_labels": 3,
       "initializer_range": 0.5}
GPT2 = {"vocab_size": 89, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 40, "initializer_range": 0.2}


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{r.stdout}{r.stderr}")


def write_inputs(path, vocab, with_types, rng):
    rows = []
    with open(path, "w") as f:
        for n in [7, 3, 12, 1, 9]:
            ids = [rng.randrange(vocab) for _ in range(n)]
            row = {"input_ids": ids}
            if with_types:
                q = max(1, n // 3)
                row["token_type_ids"] = [0] * q + [1] * (n - q)
            rows.append(row)
            f.write(json.dumps(row) + "\n")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frugal", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tolerance", type=float, default=1e-5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(7)
    cases = []
    for act in ["gelu", "gelu_new"]:
        for head in ["base", "mlm", "cls", "qa", "spans"]:
            cases.append(("bert", head, dict(BERT, hidden_act=act, num_labels=3), True))
    cases.append(("gpt2", "lm", dict(GPT2, type_vocab_size=3), True))
    cases.append(("gpt2", "lm", GPT2, False))
    cases.append(("gpt2", "lm", GPT2, True))  # HF: token types through wte
    cases.append(("gpt2", "base", dict(GPT2, activation_function="gelu"), False))
    # The RNN students against PyTorch's nn.LSTM / nn.GRU on packed sequences.
    for cell, layers, pooling, bn in [("lstm", 1, "last", False), ("lstm", 2, "attention", True), ("gru", 2, "max", True),
                                      ("gru", 1, "mean", False)]:
        cases.append(("rnn", "cls", dict(RNN, cell=cell, num_layers=layers, pooling=pooling, classifier_batch_norm=bn), False))
    worst = 0.0
    failures = 0
    for n, (arch, head, cfg, with_types) in enumerate(cases):
        d = os.path.join(args.work, f"{n}-{arch}-{head}")
        with open(d + ".json", "w") as f:
            json.dump(cfg, f)
        run([args.frugal, "--no-progress", "model", "init", "--arch", arch, "--head", head, "--model-config", d + ".json",
             "--seed", str(n), "--out", d])
        rows = write_inputs(d + "-ids.jsonl", cfg["vocab_size"], with_types, rng)
        run([args.frugal, "--no-progress", "--threads", "1", "model", "forward", "--model", d, "--input", d + "-ids.jsonl",
             "--output", d + "-out.safetensors", "--batch-size", "2"])
        got = reference_models.read_safetensors(d + "-out.safetensors")
        ids, mask = got["input_ids"], got["attention_mask"]
        types = torch.zeros_like(ids)
        for i, row in enumerate(rows):
            if with_types:
                types[i, :len(row["token_type_ids"])] = torch.tensor(row["token_type_ids"])
        if arch == "gpt2" and with_types and cfg.get("type_vocab_size", 0) == 0:
            ref = reference_models.forward(d, ids, types, mask)
            # HF GPT2Model embeds token types with wte; the reference adds it here.
            with open(d + "/config.json") as f:
                full = json.load(f)
            full["type_vocab_size"] = 0
            w = reference_models.read_safetensors(d + "/model.safetensors")
            p = "transformer." if full["architectures"][0] == "GPT2LMHeadModel" else ""
            w[p + "token_type_embeddings.weight"] = w[p + "wte.weight"]
            full["type_vocab_size"] = 1  # use the table above (= wte)
            with torch.no_grad():
                ref = reference_models.gpt2_forward(w, full, ids, types, mask)
        else:
            ref = reference_models.forward(d, ids, types if with_types else torch.zeros_like(ids), mask)
        for name, expected in ref.items():
            if name not in got:
                print(f"{d}: frugal wrote no {name}")
                failures += 1
                continue
            diff = (got[name] - expected.float()).abs().max().item()
            worst = max(worst, diff)
            status = "ok" if diff <= args.tolerance else "DIFFERS"
            failures += status != "ok"
            kind = f"{cfg['cell']}/{cfg['pooling']}" if arch == "rnn" else cfg.get("hidden_act", cfg.get("activation_function", "gelu_new"))
            print(f"{arch:5} {head:5} {kind:8} "
                  f"types={int(with_types)} {name:18} {tuple(expected.shape)} max|diff| {diff:.3g} {status}")
    print(f"{len(cases)} models, worst max|diff| {worst:.3g} (tolerance {args.tolerance}), {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
