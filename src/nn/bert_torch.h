#pragma once
// BERT in libtorch with HF transformers' module tree, so that parameter names and shapes are
// identical to BertModel / BertForMaskedLM and model.safetensors moves both ways.
// Task heads: nn/bert_heads_torch.h.
#include <torch/torch.h>

#include "nn/bert_config.h"
#include "nn/linear_torch.h"

namespace frugal {

struct BertEmbeddingsImpl : torch::nn::Module {
  explicit BertEmbeddingsImpl(const BertConfig& c);
  // lexical_match: (batch, seq) ids below config.lexical_match_types; needed when the model has
  // that table (a frugal extension), ignored otherwise.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& lexical_match = {});
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::Embedding lexical_match_embeddings{nullptr};  // only with lexical_match_types > 0
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertEmbeddings);

struct BertSelfAttentionImpl : torch::nn::Module {
  explicit BertSelfAttentionImpl(const BertConfig& c);
  // mask_bias: (batch, 1, 1, seq), 0 for tokens to attend to, a large negative number otherwise.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias);
  Linear query{nullptr}, key{nullptr}, value{nullptr};
  torch::nn::Dropout dropout{nullptr};
  std::int64_t heads, head_size;
};
TORCH_MODULE(BertSelfAttention);

// dense -> dropout -> LayerNorm(x + residual): HF's BertSelfOutput and BertOutput.
struct BertResidualOutputImpl : torch::nn::Module {
  BertResidualOutputImpl(std::int64_t in, const BertConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);
  Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertResidualOutput);

struct BertAttentionImpl : torch::nn::Module {
  explicit BertAttentionImpl(const BertConfig& c);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias);
  BertSelfAttention self{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

struct BertIntermediateImpl : torch::nn::Module {
  explicit BertIntermediateImpl(const BertConfig& c);
  torch::Tensor forward(const torch::Tensor& x);
  Linear dense{nullptr};
  std::string act;
};
TORCH_MODULE(BertIntermediate);

struct BertLayerImpl : torch::nn::Module {
  explicit BertLayerImpl(const BertConfig& c);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias);
  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

struct BertModelImpl : torch::nn::Module {
  BertModelImpl(const BertConfig& c, bool add_pooling_layer);
  // attention_mask: 1 for real tokens, 0 for padding. Returns the last hidden states.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask, const torch::Tensor& lexical_match = {});
  // The encoder layers over embedded inputs (ELECTRA's generator shares the embeddings only).
  torch::Tensor encode(torch::Tensor hidden, const torch::Tensor& attention_mask);
  torch::Tensor pool(const torch::Tensor& hidden);  // tanh(dense(h[:, 0])); needs the pooler
  BertEmbeddings embeddings{nullptr};
  std::shared_ptr<torch::nn::Module> encoder;  // holds "layer"
  torch::nn::ModuleList layers{nullptr};       // encoder.layer
  std::shared_ptr<torch::nn::Module> pooler;   // holds "dense" when present
  Linear pooler_dense{nullptr};
};
TORCH_MODULE(BertModel);

struct BertForMaskedLMImpl : torch::nn::Module {
  explicit BertForMaskedLMImpl(const BertConfig& c);
  // Logits over the vocabulary, (batch, seq, vocab).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask);
  torch::Tensor from_hidden(const torch::Tensor& hidden);
  BertModel bert{nullptr};
  // cls.predictions.{transform.dense, transform.LayerNorm, bias}; the decoder weight is tied
  // to bert.embeddings.word_embeddings.weight, as HF ties it (and omits it when saving).
  std::shared_ptr<torch::nn::Module> cls, predictions, transform;
  Linear transform_dense{nullptr};
  torch::nn::LayerNorm transform_norm{nullptr};
  torch::Tensor decoder_bias;
  std::string act;
};
TORCH_MODULE(BertForMaskedLM);

// HF's extended attention mask: (batch, 1, 1, seq), 0 on real tokens, fp32's lowest on padding
// (fp32 whatever `dtype`: fp16's minimum is -inf's neighbour, NaN-prone).
torch::Tensor attention_mask_bias(const torch::Tensor& attention_mask, torch::ScalarType dtype);

// The layers of `layers` (BertLayer each) in order.
torch::Tensor run_bert_layers(const torch::nn::ModuleList& layers, torch::Tensor hidden, const torch::Tensor& mask_bias);

// HF's _init_weights for every Linear / Embedding / LayerNorm below `module`: weights
// normal(0, std), biases 0, LayerNorm weight 1 / bias 0. Seeded by torch's generator.
void init_hf_weights(torch::nn::Module& module, double std);

// LayerNorm over hidden_size with the config's layer_norm_eps.
torch::nn::LayerNorm bert_layer_norm(const BertConfig& c);

// BERT's: init_hf_weights with initializer_range, and the padding embedding row zero.
void init_bert_weights(torch::nn::Module& module, const BertConfig& c);

}  // namespace frugal
