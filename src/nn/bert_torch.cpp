#include "nn/bert_torch.h"

#include <cmath>

#include "nn/activation_torch.h"
#include "nn/linear_torch.h"
#include "nn/norm_torch.h"

namespace frugal {

torch::nn::LayerNorm bert_layer_norm(const BertConfig& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}

BertEmbeddingsImpl::BertEmbeddingsImpl(const BertConfig& c) {
  word_embeddings = register_module("word_embeddings", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  position_embeddings = register_module("position_embeddings", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
  token_type_embeddings = register_module("token_type_embeddings", torch::nn::Embedding(c.type_vocab_size, c.hidden_size));
  LayerNorm = register_module("LayerNorm", bert_layer_norm(c));
  dropout = register_module("dropout", torch::nn::Dropout(c.hidden_dropout_prob));
  if (c.lexical_match_types > 0) {
    lexical_match_embeddings = register_module("lexical_match_embeddings", torch::nn::Embedding(c.lexical_match_types, c.hidden_size));
  }
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                          const torch::Tensor& lexical_match) {
  const auto seq = input_ids.size(1);
  const auto positions = torch::arange(seq, torch::TensorOptions().dtype(torch::kLong).device(input_ids.device())).unsqueeze(0);
  auto x = word_embeddings(input_ids) + position_embeddings(positions) + token_type_embeddings(token_type_ids);
  if (lexical_match_embeddings) {
    TORCH_CHECK(lexical_match.defined(), "this model has lexical-match features (lexical_match_types): its inputs need them");
    x = x + lexical_match_embeddings(lexical_match);
  }
  return dropout(norm_fp32(*LayerNorm, x));
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertConfig& c)
    : heads(c.num_attention_heads), head_size(c.hidden_size / c.num_attention_heads) {
  query = register_module("query", Linear(c.hidden_size, c.hidden_size));
  key = register_module("key", Linear(c.hidden_size, c.hidden_size));
  value = register_module("value", Linear(c.hidden_size, c.hidden_size));
  dropout = register_module("dropout", torch::nn::Dropout(c.attention_probs_dropout_prob));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias) {
  const auto b = hidden.size(0), s = hidden.size(1);
  auto split = [&](const torch::Tensor& t) { return t.view({b, s, heads, head_size}).permute({0, 2, 1, 3}); };
  const auto q = split(query(hidden)), k = split(key(hidden)), v = split(value(hidden));
  const auto probs = dropout(attention_weights(matmul_per_sequence(q, k.transpose(-1, -2)), mask_bias, head_size, v.scalar_type()));
  return matmul_per_sequence(probs, v).permute({0, 2, 1, 3}).contiguous().view({b, s, heads * head_size});
}

BertResidualOutputImpl::BertResidualOutputImpl(std::int64_t in, const BertConfig& c) {
  dense = register_module("dense", Linear(in, c.hidden_size));
  LayerNorm = register_module("LayerNorm", bert_layer_norm(c));
  dropout = register_module("dropout", torch::nn::Dropout(c.hidden_dropout_prob));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  return norm_fp32(*LayerNorm, dropout(dense(x)) + residual);
}

BertAttentionImpl::BertAttentionImpl(const BertConfig& c) {
  self = register_module("self", BertSelfAttention(c));
  output = register_module("output", BertResidualOutput(c.hidden_size, c));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias) {
  return output(self(hidden, mask_bias), hidden);
}

BertIntermediateImpl::BertIntermediateImpl(const BertConfig& c) : act(c.hidden_act) {
  dense = register_module("dense", Linear(c.hidden_size, c.intermediate_size));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& x) { return apply_activation(dense(x), act); }

BertLayerImpl::BertLayerImpl(const BertConfig& c) {
  attention = register_module("attention", BertAttention(c));
  intermediate = register_module("intermediate", BertIntermediate(c));
  output = register_module("output", BertResidualOutput(c.intermediate_size, c));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias) {
  const auto attended = attention(hidden, mask_bias);
  return output(intermediate(attended), attended);
}

BertModelImpl::BertModelImpl(const BertConfig& c, bool add_pooling_layer) {
  embeddings = register_module("embeddings", BertEmbeddings(c));
  encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
  layers = encoder->register_module("layer", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(BertLayer(c));
  if (add_pooling_layer) {
    pooler = register_module("pooler", std::make_shared<torch::nn::Module>());
    pooler_dense = pooler->register_module("dense", Linear(c.hidden_size, c.hidden_size));
  }
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                     const torch::Tensor& attention_mask, const torch::Tensor& lexical_match) {
  return encode(embeddings(input_ids, token_type_ids, lexical_match), attention_mask);
}

torch::Tensor BertModelImpl::encode(torch::Tensor hidden, const torch::Tensor& attention_mask) {
  const auto mask_bias = attention_mask_bias(attention_mask, hidden.scalar_type());
  return run_bert_layers(layers, std::move(hidden), mask_bias);
}

torch::Tensor attention_mask_bias(const torch::Tensor& attention_mask, torch::ScalarType dtype) {
  const auto minimum = std::numeric_limits<float>::lowest();
  return ((1.0 - attention_mask.to(fp32_if_half(dtype))) * minimum).unsqueeze(1).unsqueeze(2);
}

torch::Tensor run_bert_layers(const torch::nn::ModuleList& layers, torch::Tensor hidden, const torch::Tensor& mask_bias) {
  for (const auto& layer : *layers) hidden = layer->as<BertLayer>()->forward(hidden, mask_bias);
  return hidden;
}

torch::Tensor BertModelImpl::pool(const torch::Tensor& hidden) {
  TORCH_CHECK(pooler_dense, "this BertModel has no pooler");
  return torch::tanh(pooler_dense(hidden.select(1, 0)));
}

BertForMaskedLMImpl::BertForMaskedLMImpl(const BertConfig& c) : act(c.hidden_act) {
  bert = register_module("bert", BertModel(c, false));
  cls = register_module("cls", std::make_shared<torch::nn::Module>());
  predictions = cls->register_module("predictions", std::make_shared<torch::nn::Module>());
  transform = predictions->register_module("transform", std::make_shared<torch::nn::Module>());
  transform_dense = transform->register_module("dense", Linear(c.hidden_size, c.hidden_size));
  transform_norm = transform->register_module("LayerNorm", bert_layer_norm(c));
  decoder_bias = predictions->register_parameter("bias", torch::zeros({c.vocab_size}));
}

torch::Tensor BertForMaskedLMImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                           const torch::Tensor& attention_mask) {
  return from_hidden(bert(input_ids, token_type_ids, attention_mask));
}

torch::Tensor BertForMaskedLMImpl::from_hidden(const torch::Tensor& hidden) {
  const auto h = norm_fp32(*transform_norm, apply_activation(transform_dense(hidden), act));
  return linear_per_sequence(h, bert->embeddings->word_embeddings->weight, decoder_bias);
}

void init_hf_weights(torch::nn::Module& module, double std) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    if (auto* linear = m->as<torch::nn::Linear>()) {
      linear->weight.normal_(0.0, std);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = m->as<torch::nn::Embedding>()) {
      embedding->weight.normal_(0.0, std);
    } else if (auto* norm = m->as<torch::nn::LayerNorm>()) {
      norm->weight.fill_(1.0);
      norm->bias.zero_();
    }
  }
}

void init_bert_weights(torch::nn::Module& module, const BertConfig& c) {
  init_hf_weights(module, c.initializer_range);
  torch::NoGradGuard no_grad;
  // The padding row of the word embeddings starts at zero (HF's padding_idx handling).
  const std::string suffix = "embeddings.word_embeddings.weight";
  for (auto& item : module.named_parameters()) {
    const std::string& name = item.key();
    auto& p = item.value();
    const bool word_embeddings = name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (word_embeddings && c.pad_token_id >= 0 && c.pad_token_id < p.size(0)) p[c.pad_token_id].zero_();
  }
}

}  // namespace frugal
