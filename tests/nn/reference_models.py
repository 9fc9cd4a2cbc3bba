"""An independent PyTorch implementation of HF's BERT (with its heads) and GPT-2, written from
the transformers sources' equations, reading safetensors without the safetensors package.
Used only by tests/nn/compare_models.py to check `frugal model forward`."""
import json
import math
import struct

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if info["dtype"] == "BF16":
            raw = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.uint16).astype(np.uint32) << 16
            arr = raw.view(np.float32)
        else:
            arr = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=DTYPES[info["dtype"]])
        out[name] = torch.from_numpy(arr.copy()).reshape(info["shape"])
    return out


def act(x, name):
    if name == "relu":
        return F.relu(x)
    if name == "gelu_new":
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "gelu_pytorch_tanh":
        return F.gelu(x, approximate="tanh")
    return F.gelu(x)


def bert_encoder(w, cfg, ids, types, mask, p):
    eps = cfg.get("layer_norm_eps", 1e-12)
    h = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    pos = torch.arange(ids.shape[1]).unsqueeze(0)
    x = w[p + "embeddings.word_embeddings.weight"][ids] + w[p + "embeddings.position_embeddings.weight"][pos] \
        + w[p + "embeddings.token_type_embeddings.weight"][types]
    x = F.layer_norm(x, (h,), w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], eps)
    bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
    b, s = ids.shape
    for i in range(cfg["num_hidden_layers"]):
        l = f"{p}encoder.layer.{i}."
        lin = lambda t, name: F.linear(t, w[l + name + ".weight"], w[l + name + ".bias"])
        split = lambda t: t.view(b, s, heads, h // heads).permute(0, 2, 1, 3)
        q, k, v = split(lin(x, "attention.self.query")), split(lin(x, "attention.self.key")), split(lin(x, "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // heads) + bias
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, s, h)
        a = F.layer_norm(lin(ctx, "attention.output.dense") + x, (h,), w[l + "attention.output.LayerNorm.weight"],
                         w[l + "attention.output.LayerNorm.bias"], eps)
        m = act(lin(a, "intermediate.dense"), cfg.get("hidden_act", "gelu"))
        x = F.layer_norm(lin(m, "output.dense") + a, (h,), w[l + "output.LayerNorm.weight"], w[l + "output.LayerNorm.bias"], eps)
    return x


def bert_forward(w, cfg, ids, types, mask):
    arch = cfg["architectures"][0]
    p = "" if arch == "BertModel" else "bert."
    hidden = bert_encoder(w, cfg, ids, types, mask, p)
    out = {"last_hidden_state": hidden}
    eps = cfg.get("layer_norm_eps", 1e-12)
    h = cfg["hidden_size"]
    pool = lambda: torch.tanh(F.linear(hidden[:, 0], w[p + "pooler.dense.weight"], w[p + "pooler.dense.bias"]))
    if arch == "BertModel":
        out["pooler_output"] = pool()
    elif arch == "BertForMaskedLM":
        t = act(F.linear(hidden, w["cls.predictions.transform.dense.weight"], w["cls.predictions.transform.dense.bias"]),
                cfg.get("hidden_act", "gelu"))
        t = F.layer_norm(t, (h,), w["cls.predictions.transform.LayerNorm.weight"], w["cls.predictions.transform.LayerNorm.bias"], eps)
        out["logits"] = F.linear(t, w["bert.embeddings.word_embeddings.weight"], w["cls.predictions.bias"])
    elif arch == "BertForSequenceClassification":
        out["logits"] = F.linear(pool(), w["classifier.weight"], w["classifier.bias"])
    elif arch == "BertForQuestionAnswering":
        logits = F.linear(hidden, w["qa_outputs.weight"], w["qa_outputs.bias"])
        out["start_logits"], out["end_logits"] = logits[..., 0], logits[..., 1]
    elif arch == "FrugalBertForAnswerSpans":
        # Literal definition: score every (i, j = i + l) from the concatenation [h_i ; h_j].
        L = cfg["max_span_length"]
        b, s, _ = hidden.shape
        allowed = (types == 1) if bool((types == 1).any()) else torch.ones_like(ids, dtype=torch.bool)
        allowed = allowed & mask.bool()
        lowest = torch.finfo(torch.float32).min
        scores = torch.full((b, s, L), lowest)
        for i in range(s):
            for l in range(L):
                j = i + l
                if j >= s:
                    continue
                feat = torch.cat([hidden[:, i], hidden[:, j]], -1)
                z = act(F.linear(feat, w["span_scorer.dense.weight"], w["span_scorer.dense.bias"]), cfg.get("hidden_act", "gelu"))
                z = F.layer_norm(z, (h,), w["span_scorer.LayerNorm.weight"], w["span_scorer.LayerNorm.bias"], eps)
                sc = F.linear(z, w["span_scorer.out.weight"], w["span_scorer.out.bias"])[:, 0]
                ok = allowed[:, i] & allowed[:, j]
                scores[:, i, l] = torch.where(ok, sc, torch.tensor(lowest))
        out["span_logits"] = scores
    else:
        raise ValueError(arch)
    return out


def gpt2_forward(w, cfg, ids, types, mask):
    arch = cfg["architectures"][0]
    p = "transformer." if arch == "GPT2LMHeadModel" else ""
    d = cfg["n_embd"]
    heads = cfg["n_head"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    b, s = ids.shape
    x = w[p + "wte.weight"][ids] + w[p + "wpe.weight"][torch.arange(s)].unsqueeze(0)
    if cfg.get("type_vocab_size", 0) > 0:
        x = x + w[p + "token_type_embeddings.weight"][types]
    causal = torch.tril(torch.ones(s, s, dtype=torch.bool))
    minimum = torch.finfo(torch.float32).min
    for i in range(cfg["n_layer"]):
        l = f"{p}h.{i}."
        conv = lambda t, name: torch.addmm(w[l + name + ".bias"], t.reshape(-1, t.shape[-1]), w[l + name + ".weight"]).view(b, s, -1)
        a = F.layer_norm(x, (d,), w[l + "ln_1.weight"], w[l + "ln_1.bias"], eps)
        q, k, v = conv(a, "attn.c_attn").split(d, dim=2)
        split = lambda t: t.view(b, s, heads, d // heads).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // heads)
        scores = torch.where(causal, scores, torch.tensor(minimum))
        scores = scores + (1.0 - mask[:, None, None, :].float()) * minimum
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, s, d)
        x = x + conv(ctx, "attn.c_proj")
        m = F.layer_norm(x, (d,), w[l + "ln_2.weight"], w[l + "ln_2.bias"], eps)
        x = x + conv(act(conv(m, "mlp.c_fc"), cfg.get("activation_function", "gelu_new")), "mlp.c_proj")
    x = F.layer_norm(x, (d,), w[p + "ln_f.weight"], w[p + "ln_f.bias"], eps)
    out = {"last_hidden_state": x}
    if arch == "GPT2LMHeadModel":
        out["logits"] = F.linear(x, w[p + "wte.weight"])
    return out


def rnn_forward(w, cfg, ids, mask):
    """frugal's RNN classifier with PyTorch's own nn.LSTM / nn.GRU on packed sequences."""
    lengths = mask.sum(1)
    x = torch.nn.functional.embedding(ids, w["embeddings.word_embeddings.weight"])
    cell = torch.nn.LSTM if cfg.get("cell", "lstm") == "lstm" else torch.nn.GRU
    bidirectional = cfg.get("bidirectional", True)
    final = None
    for layer in range(cfg.get("num_layers", 1)):
        rnn = cell(x.shape[-1], cfg.get("hidden_size", 150), batch_first=True, bidirectional=bidirectional)
        rnn.load_state_dict({k[len(f"rnn.{layer}."):]: v for k, v in w.items() if k.startswith(f"rnn.{layer}.")})
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, state = rnn(packed)
        final = state[0] if isinstance(state, tuple) else state
        x, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
    real = mask.bool().unsqueeze(-1)
    pooling = cfg.get("pooling", "last")
    if pooling == "last":
        h = final.transpose(0, 1).reshape(ids.shape[0], -1)
    elif pooling == "max":
        h = x.masked_fill(~real, float("-inf")).amax(1)
    elif pooling == "mean":
        h = (x * real).sum(1) / mask.sum(1, keepdim=True)
    else:
        scores = (x @ w["attention.weight"].t()).squeeze(-1).masked_fill(~real.squeeze(-1), float("-inf"))
        h = (torch.softmax(scores, 1).unsqueeze(-1) * x).sum(1)
    for k in range(len(cfg.get("classifier_hidden", [200]))):
        h = h @ w[f"classifier.dense.{k}.weight"].t() + w[f"classifier.dense.{k}.bias"]
        if cfg.get("classifier_batch_norm", False):
            b = f"classifier.batch_norm.{k}."
            h = torch.nn.functional.batch_norm(h, w[b + "running_mean"], w[b + "running_var"], w[b + "weight"], w[b + "bias"],
                                               training=False, eps=1e-5)
        h = torch.relu(h)
    return {"logits": h @ w["classifier.out.weight"].t() + w["classifier.out.bias"]}


def forward(model_dir, ids, types, mask):
    with open(model_dir + "/config.json") as f:
        cfg = json.load(f)
    w = read_safetensors(model_dir + "/model.safetensors")
    with torch.no_grad():
        if cfg["model_type"] == "gpt2":
            return gpt2_forward(w, cfg, ids, types, mask)
        if cfg["model_type"] == "frugal_rnn":
            return rnn_forward(w, cfg, ids, mask)
        return bert_forward(w, cfg, ids, types, mask)
