#pragma once
// Config of frugal's RNN sequence classifiers (model_type "frugal_rnn"), the distillation
// students: Tang et al. (2019)'s BiLSTM (embedding 300, one layer of 150 per direction, the
// last states concatenated, a ReLU layer of 200) and deeper LSTM/GRU students with locked
// dropout, attention pooling (DeepMoji-style) and an MLP with batch norm.
#include <cstdint>
#include <string>
#include <vector>

namespace frugal {

struct RnnConfig {
  std::int64_t vocab_size = 30522;
  std::int64_t embedding_dim = 300;
  bool freeze_embeddings = false;     // embeddings copied from a teacher and kept as they are
  std::string cell = "lstm";          // lstm | gru
  std::int64_t num_layers = 1;
  std::int64_t hidden_size = 150;     // per direction
  bool bidirectional = true;
  std::string pooling = "last";       // last (final states) | max | mean | attention
  double dropout = 0.0;               // locked dropout on the embeddings and between layers
  std::vector<std::int64_t> classifier_hidden = {200};  // ReLU layers before the output layer
  bool classifier_batch_norm = false;
  double classifier_dropout = 0.0;
  std::int64_t num_labels = 2;
  std::int64_t pad_token_id = 0;
  std::int64_t max_length = 512;      // longest input taken (the RNN itself has no limit)
  double initializer_range = 0.1;     // embeddings ~ N(0, this)

  std::int64_t directions() const { return bidirectional ? 2 : 1; }
  std::int64_t output_size() const { return hidden_size * directions(); }  // per token, per layer

  // InputError naming the file and key for a bad field or an inconsistent size.
  static RnnConfig parse(const std::string& json, const std::string& name);
  // Parameters the config gives (for the registry's check against the built module).
  double parameter_count() const;
};

}  // namespace frugal
