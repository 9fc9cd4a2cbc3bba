#include "nn/bert_heads_torch.h"

#include <limits>

#include "nn/activation_torch.h"
#include "nn/linear_torch.h"
#include "nn/norm_torch.h"

namespace frugal {

BertForSequenceClassificationImpl::BertForSequenceClassificationImpl(const BertConfig& c) {
  bert = register_module("bert", BertModel(c, /*add_pooling_layer=*/true));
  dropout = register_module("dropout", torch::nn::Dropout(c.hidden_dropout_prob));
  classifier = register_module("classifier", Linear(c.hidden_size, c.num_labels));
}

torch::Tensor BertForSequenceClassificationImpl::forward(const torch::Tensor& input_ids,
                                                         const torch::Tensor& token_type_ids,
                                                         const torch::Tensor& attention_mask) {
  return from_hidden(bert(input_ids, token_type_ids, attention_mask));
}

torch::Tensor BertForSequenceClassificationImpl::from_hidden(const torch::Tensor& hidden) {
  return classifier(dropout(bert->pool(hidden)));
}

BertForQuestionAnsweringImpl::BertForQuestionAnsweringImpl(const BertConfig& c) {
  bert = register_module("bert", BertModel(c, /*add_pooling_layer=*/false));
  qa_outputs = register_module("qa_outputs", Linear(c.hidden_size, 2));
}

SpanLogits BertForQuestionAnsweringImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                                 const torch::Tensor& attention_mask, const torch::Tensor& lexical_match) {
  return from_hidden(bert(input_ids, token_type_ids, attention_mask, lexical_match));
}

SpanLogits BertForQuestionAnsweringImpl::from_hidden(const torch::Tensor& hidden) {
  const auto logits = qa_outputs(hidden);
  return {logits.select(-1, 0).contiguous(), logits.select(-1, 1).contiguous()};
}

BertForAnswerSpansImpl::BertForAnswerSpansImpl(const BertConfig& c, std::int64_t max_span)
    : max_span_length(max_span), act(c.hidden_act) {
  TORCH_CHECK(max_span >= 1, "max_span_length must be at least 1");
  bert = register_module("bert", BertModel(c, /*add_pooling_layer=*/false));
  span_scorer = register_module("span_scorer", std::make_shared<torch::nn::Module>());
  dense = span_scorer->register_module("dense", Linear(2 * c.hidden_size, c.hidden_size));
  norm = span_scorer->register_module("LayerNorm", bert_layer_norm(c));
  out = span_scorer->register_module("out", Linear(c.hidden_size, 1));
}

torch::Tensor BertForAnswerSpansImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                              const torch::Tensor& attention_mask, const torch::Tensor& allowed) {
  return from_hidden(bert(input_ids, token_type_ids, attention_mask), allowed);
}

torch::Tensor BertForAnswerSpansImpl::from_hidden(const torch::Tensor& hidden, const torch::Tensor& allowed) {
  const auto h = hidden.size(-1), seq = hidden.size(1);
  // dense([a; b]) = a W_s^T + b W_e^T + bias, with W = [W_s | W_e].
  const auto from_start = linear_per_sequence(hidden, dense->weight.narrow(1, 0, h), dense->bias);
  const auto from_end = linear_per_sequence(hidden, dense->weight.narrow(1, h, h));
  const auto lowest = std::numeric_limits<float>::lowest();
  const auto allowed_bool = allowed.to(torch::kBool);
  std::vector<torch::Tensor> by_length;
  by_length.reserve(static_cast<std::size_t>(max_span_length));
  for (std::int64_t l = 0; l < max_span_length; ++l) {
    if (l >= seq) {
      by_length.push_back(torch::full({hidden.size(0), seq}, lowest, hidden.options()));
      continue;
    }
    const auto n = seq - l;
    const auto x = from_start.narrow(1, 0, n) + from_end.narrow(1, l, n);
    auto score = out(norm_fp32(*norm, apply_activation(x, act))).squeeze(-1);  // (batch, n)
    const auto valid = allowed_bool.narrow(1, 0, n) & allowed_bool.narrow(1, l, n);
    score = score.masked_fill(valid.logical_not(), lowest);
    if (l > 0) score = torch::constant_pad_nd(score, {0, l}, lowest);
    by_length.push_back(score);
  }
  return torch::stack(by_length, -1);
}

torch::Tensor span_index(const torch::Tensor& start, const torch::Tensor& end, std::int64_t max_span_length) {
  return start * max_span_length + (end - start);
}

}  // namespace frugal
