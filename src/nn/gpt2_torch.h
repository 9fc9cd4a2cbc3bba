#pragma once
// GPT-2 in libtorch with HF transformers' module tree (GPT2Model / GPT2LMHeadModel): pre-LN
// blocks, causal attention, HF's Conv1D weight layout (in, out), an LM head tied to wte, and an
// incremental key/value cache for generation.
#include <torch/torch.h>

#include <vector>

#include "nn/gpt2_config.h"
#include "nn/linear_torch.h"

namespace frugal {

// HF's Conv1D: y = x W + b with W stored (in_features, out_features).
struct Conv1DImpl : torch::nn::Module, Int8Quantizable {
  Conv1DImpl(std::int64_t in_features, std::int64_t out_features);
  torch::Tensor forward(const torch::Tensor& x);
  void quantize_int8() override { packed_ = pack_int8_linear(weight.t(), bias); }
  torch::Tensor weight, bias;
};
TORCH_MODULE(Conv1D);

// Keys and values of every layer, preallocated to `capacity` positions and filled in place, so a
// generation step costs no re-allocation and no copy of the prefix.
struct KVCache {
  KVCache() = default;
  KVCache(const Gpt2Config& c, std::int64_t batch, std::int64_t capacity, const torch::TensorOptions& options);
  std::vector<torch::Tensor> keys, values;  // per layer: (batch, heads, capacity, head_size)
  std::int64_t length = 0;                  // positions filled
  std::int64_t capacity() const { return keys.empty() ? 0 : keys[0].size(2); }
  bool enabled() const { return !keys.empty(); }
};

struct Gpt2AttentionImpl : torch::nn::Module {
  explicit Gpt2AttentionImpl(const Gpt2Config& c);
  // bias: additive, broadcastable to (batch, heads, new, past + new). With a cache, this layer's
  // keys and values for the new positions are written at cache->length.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias, KVCache* cache, std::size_t layer);
  Conv1D c_attn{nullptr}, c_proj{nullptr};
  torch::nn::Dropout attn_dropout{nullptr}, resid_dropout{nullptr};
  std::int64_t heads, head_size;
};
TORCH_MODULE(Gpt2Attention);

struct Gpt2MlpImpl : torch::nn::Module {
  explicit Gpt2MlpImpl(const Gpt2Config& c);
  torch::Tensor forward(const torch::Tensor& x);
  Conv1D c_fc{nullptr}, c_proj{nullptr};
  torch::nn::Dropout dropout{nullptr};
  std::string act;
};
TORCH_MODULE(Gpt2Mlp);

struct Gpt2BlockImpl : torch::nn::Module {
  explicit Gpt2BlockImpl(const Gpt2Config& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias, KVCache* cache, std::size_t layer);
  torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
  Gpt2Attention attn{nullptr};
  Gpt2Mlp mlp{nullptr};
};
TORCH_MODULE(Gpt2Block);

struct Gpt2Inputs {
  torch::Tensor input_ids;       // (batch, new)
  torch::Tensor token_type_ids;  // optional, (batch, new)
  torch::Tensor position_ids;    // optional; default cache length + 0..new-1
  torch::Tensor attention_mask;  // optional, (batch, past + new): 1 real, 0 padding
};

struct Gpt2ModelImpl : torch::nn::Module {
  explicit Gpt2ModelImpl(const Gpt2Config& c);
  // Last hidden states after ln_f, (batch, new, n_embd). With a cache, attends to the cached
  // prefix and appends the new positions (cache->length grows by `new`).
  torch::Tensor forward(const Gpt2Inputs& in, KVCache* cache = nullptr);
  Gpt2Config config;
  torch::nn::Embedding wte{nullptr}, wpe{nullptr}, token_type_embeddings{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::ModuleList h{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};
};
TORCH_MODULE(Gpt2Model);

struct Gpt2LMHeadModelImpl : torch::nn::Module {
  explicit Gpt2LMHeadModelImpl(const Gpt2Config& c);
  // Logits (batch, new, vocab); lm_head is wte (tied, as HF ties it and omits it when saving).
  torch::Tensor forward(const Gpt2Inputs& in, KVCache* cache = nullptr);
  torch::Tensor logits(const torch::Tensor& hidden);
  Gpt2Model transformer{nullptr};
};
TORCH_MODULE(Gpt2LMHeadModel);

// HF's GPT2PreTrainedModel._init_weights, including the 1/sqrt(2 n_layer) scaling of c_proj.
void init_gpt2_weights(torch::nn::Module& module, const Gpt2Config& c);

}  // namespace frugal
