#pragma once
// HF BertConfig (config.json), the fields frugal's BERT uses, with HF's defaults.
#include <cstdint>
#include <string>

namespace frugal {

struct BertConfig {
  std::int64_t vocab_size = 30522;
  std::int64_t hidden_size = 768;
  std::int64_t num_hidden_layers = 12;
  std::int64_t num_attention_heads = 12;
  std::int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  std::int64_t max_position_embeddings = 512;
  std::int64_t type_vocab_size = 2;
  double initializer_range = 0.02;
  double layer_norm_eps = 1e-12;
  std::int64_t pad_token_id = 0;
  std::int64_t num_labels = 2;
  // frugal extension (not HF's): rows of bert.embeddings.lexical_match_embeddings, a per-token
  // lexical-match feature added to the embeddings (tasks/qa/lexical_match.h: 3, 30 or 180); 0: no table.
  std::int64_t lexical_match_types = 0;

  // Reads config.json; InputError for a non-BERT model_type, inconsistent sizes, bad JSON.
  static BertConfig load(const std::string& path);
  static BertConfig parse(const std::string& json, const std::string& name);
  std::string to_json() const;  // HF layout ("model_type": "bert", "architectures" omitted)
  // Parameters of the base model (BertModel with its pooler) these sizes give.
  double parameter_count() const;
};

}  // namespace frugal
