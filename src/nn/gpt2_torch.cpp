#include "nn/gpt2_torch.h"

#include <cmath>
#include <limits>

#include "core/strings.h"
#include "nn/activation_torch.h"
#include "nn/linear_torch.h"
#include "nn/bert_torch.h"
#include "nn/norm_torch.h"

namespace frugal {
namespace {

torch::nn::LayerNorm gpt2_layer_norm(const Gpt2Config& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.n_embd}).eps(c.layer_norm_epsilon));
}

}  // namespace

Conv1DImpl::Conv1DImpl(std::int64_t in_features, std::int64_t out_features) {
  weight = register_parameter("weight", torch::empty({in_features, out_features}));
  bias = register_parameter("bias", torch::zeros({out_features}));
  torch::NoGradGuard no_grad;
  weight.normal_(0.0, 0.02);
}

torch::Tensor Conv1DImpl::forward(const torch::Tensor& input) {
  return multiply_per_sequence(input, [this](const torch::Tensor& x) {
    if (packed_) return int8_linear(x, *packed_);
    auto size = x.sizes().vec();
    size.back() = weight.size(1);
    return torch::addmm(bias, x.reshape({-1, weight.size(0)}), weight).view(size);
  });
}

KVCache::KVCache(const Gpt2Config& c, std::int64_t batch, std::int64_t capacity_, const torch::TensorOptions& options) {
  for (std::int64_t i = 0; i < c.n_layer; ++i) {
    keys.push_back(torch::empty({batch, c.n_head, capacity_, c.n_embd / c.n_head}, options));
    values.push_back(torch::empty({batch, c.n_head, capacity_, c.n_embd / c.n_head}, options));
  }
}

Gpt2AttentionImpl::Gpt2AttentionImpl(const Gpt2Config& c) : heads(c.n_head), head_size(c.n_embd / c.n_head) {
  c_attn = register_module("c_attn", Conv1D(c.n_embd, 3 * c.n_embd));
  c_proj = register_module("c_proj", Conv1D(c.n_embd, c.n_embd));
  attn_dropout = register_module("attn_dropout", torch::nn::Dropout(c.attn_pdrop));
  resid_dropout = register_module("resid_dropout", torch::nn::Dropout(c.resid_pdrop));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& bias, KVCache* cache,
                                         std::size_t layer) {
  const auto b = x.size(0), n = x.size(1), width = heads * head_size;
  const auto qkv = c_attn(x);
  auto split = [&](std::int64_t part) {
    return qkv.narrow(-1, part * width, width).view({b, n, heads, head_size}).permute({0, 2, 1, 3});
  };
  const auto q = split(0);
  auto k = split(1), v = split(2);
  if (cache != nullptr && cache->enabled()) {
    const auto past = cache->length;
    TORCH_CHECK(past + n <= cache->capacity(), "KV cache full: ", past, " + ", n, " > ", cache->capacity());
    cache->keys[layer].narrow(2, past, n).copy_(k);
    cache->values[layer].narrow(2, past, n).copy_(v);
    k = cache->keys[layer].narrow(2, 0, past + n);
    v = cache->values[layer].narrow(2, 0, past + n);
  }
  const auto probs = attn_dropout(attention_weights(matmul_per_sequence(q, k.transpose(-1, -2)), bias, head_size, v.scalar_type()));
  const auto context = matmul_per_sequence(probs, v).permute({0, 2, 1, 3}).contiguous().view({b, n, width});
  return resid_dropout(c_proj(context));
}

Gpt2MlpImpl::Gpt2MlpImpl(const Gpt2Config& c) : act(c.activation_function) {
  c_fc = register_module("c_fc", Conv1D(c.n_embd, c.inner()));
  c_proj = register_module("c_proj", Conv1D(c.inner(), c.n_embd));
  dropout = register_module("dropout", torch::nn::Dropout(c.resid_pdrop));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x) { return dropout(c_proj(apply_activation(c_fc(x), act))); }

Gpt2BlockImpl::Gpt2BlockImpl(const Gpt2Config& c) {
  ln_1 = register_module("ln_1", gpt2_layer_norm(c));
  attn = register_module("attn", Gpt2Attention(c));
  ln_2 = register_module("ln_2", gpt2_layer_norm(c));
  mlp = register_module("mlp", Gpt2Mlp(c));
}

torch::Tensor Gpt2BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& bias, KVCache* cache,
                                     std::size_t layer) {
  const auto attended = x + attn(norm_fp32(*ln_1, x), bias, cache, layer);
  return attended + mlp(norm_fp32(*ln_2, attended));
}

Gpt2ModelImpl::Gpt2ModelImpl(const Gpt2Config& c) : config(c) {
  wte = register_module("wte", torch::nn::Embedding(c.vocab_size, c.n_embd));
  wpe = register_module("wpe", torch::nn::Embedding(c.n_positions, c.n_embd));
  if (c.type_vocab_size > 0) {
    token_type_embeddings = register_module("token_type_embeddings", torch::nn::Embedding(c.type_vocab_size, c.n_embd));
  }
  drop = register_module("drop", torch::nn::Dropout(c.embd_pdrop));
  h = register_module("h", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.n_layer; ++i) h->push_back(Gpt2Block(c));
  ln_f = register_module("ln_f", gpt2_layer_norm(c));
}

torch::Tensor Gpt2ModelImpl::forward(const Gpt2Inputs& in, KVCache* cache) {
  const auto& ids = in.input_ids;
  const auto n = ids.size(1);
  const bool cached = cache != nullptr && cache->enabled();
  const auto past = cached ? cache->length : 0;
  const auto total = past + n;
  TORCH_CHECK(total <= config.n_positions || in.position_ids.defined(), "sequence of ", total,
              " positions exceeds n_positions ", config.n_positions);
  const auto long_options = torch::TensorOptions().dtype(torch::kLong).device(ids.device());
  const auto positions = in.position_ids.defined() ? in.position_ids : torch::arange(past, total, long_options).unsqueeze(0);
  auto x = wte(ids) + wpe(positions);
  if (in.token_type_ids.defined()) x = x + (token_type_embeddings ? token_type_embeddings(in.token_type_ids) : wte(in.token_type_ids));
  x = drop(x);

  // Key j is visible from new position i when j <= past + i and j is not padding.
  auto allowed = torch::arange(total, long_options).unsqueeze(0) <= (torch::arange(n, long_options) + past).unsqueeze(1);
  allowed = allowed.view({1, 1, n, total});
  if (in.attention_mask.defined()) {
    TORCH_CHECK(in.attention_mask.size(1) == total, "attention_mask covers ", in.attention_mask.size(1),
                " positions, expected ", total);
    allowed = allowed & in.attention_mask.to(torch::kBool).view({ids.size(0), 1, 1, total});
  }
  const auto bias = torch::zeros(allowed.sizes(), x.options().dtype(fp32_if_half(x.scalar_type()))).masked_fill(allowed.logical_not(),
                                                                             std::numeric_limits<float>::lowest());
  std::size_t layer = 0;
  for (const auto& block : *h) x = block->as<Gpt2Block>()->forward(x, bias, cache, layer++);
  if (cached) cache->length = total;
  return norm_fp32(*ln_f, x);
}

Gpt2LMHeadModelImpl::Gpt2LMHeadModelImpl(const Gpt2Config& c) {
  transformer = register_module("transformer", Gpt2Model(c));
}

torch::Tensor Gpt2LMHeadModelImpl::logits(const torch::Tensor& hidden) {
  return linear_per_sequence(hidden, transformer->wte->weight);
}

torch::Tensor Gpt2LMHeadModelImpl::forward(const Gpt2Inputs& in, KVCache* cache) {
  return logits(transformer(in, cache));
}

void init_gpt2_weights(torch::nn::Module& module, const Gpt2Config& c) {
  init_hf_weights(module, c.initializer_range);
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    if (auto* conv = m->as<Conv1D>()) {
      conv->weight.normal_(0.0, c.initializer_range);
      conv->bias.zero_();
    }
  }
  // "Scale the weights of residual layers at initialization by 1/sqrt(N)" (GPT-2 paper, HF).
  const double scaled = c.initializer_range / std::sqrt(2.0 * static_cast<double>(std::max<std::int64_t>(c.n_layer, 1)));
  for (auto& item : module.named_parameters()) {
    if (ends_with(item.key(), "c_proj.weight")) item.value().normal_(0.0, scaled);
  }
}

}  // namespace frugal
