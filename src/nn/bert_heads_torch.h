#pragma once
// Task heads on the BERT encoder, with HF transformers' parameter names where HF has the head
// (BertForSequenceClassification, BertForQuestionAnswering) and frugal's own names for the
// answer-span scorer of Puri et al. (2020), which HF does not have.
#include <torch/torch.h>

#include "nn/bert_torch.h"

namespace frugal {

struct BertForSequenceClassificationImpl : torch::nn::Module {
  explicit BertForSequenceClassificationImpl(const BertConfig& c);
  // (batch, num_labels) logits from the pooled [CLS] state.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask);
  torch::Tensor from_hidden(const torch::Tensor& hidden);
  BertModel bert{nullptr};
  torch::nn::Dropout dropout{nullptr};
  Linear classifier{nullptr};
};
TORCH_MODULE(BertForSequenceClassification);

struct SpanLogits {
  torch::Tensor start, end;  // (batch, seq) each
};

struct BertForQuestionAnsweringImpl : torch::nn::Module {
  explicit BertForQuestionAnsweringImpl(const BertConfig& c);
  // lexical_match: per token, tasks/qa/lexical_match.h's ids (needed when the config has
  // lexical_match_types, ignored otherwise).
  SpanLogits forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                     const torch::Tensor& attention_mask, const torch::Tensor& lexical_match = {});
  SpanLogits from_hidden(const torch::Tensor& hidden);
  BertModel bert{nullptr};
  Linear qa_outputs{nullptr};  // hidden -> 2 (start, end), as HF
};
TORCH_MODULE(BertForQuestionAnswering);

// Answer-span generation (Puri et al. 2020, after Alberti et al. 2019): every span (i, i + l),
// l < max_span_length, gets score = out(act(LayerNorm(dense([h_i ; h_{i+l}])))); one softmax runs
// over all spans of a context jointly. The dense layer over the concatenation is computed as
// W_start h_i + W_end h_j, so no (spans × 2·hidden) tensor is ever built.
struct BertForAnswerSpansImpl : torch::nn::Module {
  BertForAnswerSpansImpl(const BertConfig& c, std::int64_t max_span_length);
  // allowed: (batch, seq) bool, tokens a span may start or end on (the context). Returns
  // (batch, seq, max_span_length) logits; entry [b, i, l] scores the span (i, i + l) and is the
  // lowest finite value where the span leaves `allowed` or the sequence.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& attention_mask, const torch::Tensor& allowed);
  torch::Tensor from_hidden(const torch::Tensor& hidden, const torch::Tensor& allowed);
  BertModel bert{nullptr};
  std::shared_ptr<torch::nn::Module> span_scorer;  // span_scorer.{dense, LayerNorm, out}
  Linear dense{nullptr}, out{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  std::int64_t max_span_length;
  std::string act;
};
TORCH_MODULE(BertForAnswerSpans);

// Index of span (start, end) in the flattened (seq * max_span_length) logits, for the loss.
torch::Tensor span_index(const torch::Tensor& start, const torch::Tensor& end, std::int64_t max_span_length);

}  // namespace frugal
