#pragma once
// The RNN family: FrugalRnnForSequenceClassification, a word-embedding + (Bi)LSTM/GRU text
// classifier (nn/rnn_config.h), the student of distillation. Sequences are packed, so no work
// is spent on padding; parameter names follow PyTorch's (rnn.0.weight_ih_l0, ...).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "nn/linear_torch.h"
#include "nn/model_family_torch.h"
#include "nn/rnn_config.h"

namespace frugal {

class Model;

inline const Architecture kRnnForSequenceClassification = "FrugalRnnForSequenceClassification";
// The word-embedding table, (vocab_size, embedding_dim): where teacher or word2vec vectors go.
inline const std::string kRnnWordEmbeddings = "embeddings.word_embeddings.weight";

struct RnnForSequenceClassificationImpl : torch::nn::Module {
  explicit RnnForSequenceClassificationImpl(const RnnConfig& c);
  // (batch, num_labels) logits; attention_mask 1 for real tokens, which come first in a row.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);

  RnnConfig config;
  std::shared_ptr<torch::nn::Module> embeddings;
  torch::nn::Embedding word_embeddings{nullptr};
  torch::nn::ModuleList rnn{nullptr};  // one single-layer (bi)directional cell per layer
  Linear attention{nullptr};
  std::shared_ptr<torch::nn::Module> classifier;
  torch::nn::ModuleList dense{nullptr}, batch_norm{nullptr};
  Linear out{nullptr};

 private:
  torch::Tensor locked_dropout(const torch::Tensor& x, double p);  // one mask per sequence
  torch::Tensor pool(const torch::Tensor& states, const torch::Tensor& mask, const torch::Tensor& final_states);
};
TORCH_MODULE(RnnForSequenceClassification);

ModelFamily rnn_family();

// The config of an RNN-family model; std::invalid_argument for another family's.
const RnnConfig& rnn_config_of(const Model& model);

}  // namespace frugal
