#include "nn/bert_config.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/config_json.h"
#include "nn/activation.h"

namespace frugal {

BertConfig BertConfig::load(const std::string& path) { return parse(read_file(path), path); }

BertConfig BertConfig::parse(const std::string& text, const std::string& name) {
  const auto j = parse_config_json(text, name, "bert");
  BertConfig c;
  auto get = [&](const char* key, auto& field) { config_field(j, key, field, name); };

  get("vocab_size", c.vocab_size);
  get("hidden_size", c.hidden_size);
  get("num_hidden_layers", c.num_hidden_layers);
  get("num_attention_heads", c.num_attention_heads);
  get("intermediate_size", c.intermediate_size);
  get("hidden_act", c.hidden_act);
  get("hidden_dropout_prob", c.hidden_dropout_prob);
  get("attention_probs_dropout_prob", c.attention_probs_dropout_prob);
  get("max_position_embeddings", c.max_position_embeddings);
  get("type_vocab_size", c.type_vocab_size);
  get("initializer_range", c.initializer_range);
  get("layer_norm_eps", c.layer_norm_eps);
  get("pad_token_id", c.pad_token_id);
  if (j.contains("id2label") && j["id2label"].is_object()) c.num_labels = static_cast<std::int64_t>(j["id2label"].size());
  get("num_labels", c.num_labels);
  get("lexical_match_types", c.lexical_match_types);
  if (c.lexical_match_types < 0 || c.lexical_match_types > 256) {
    throw InputError(InputLocation{name, 0, 0, "lexical_match_types"}, "must be in [0, 256]");
  }
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0) {
    throw InputError(InputLocation{name}, "hidden_size must be a positive multiple of num_attention_heads");
  }
  if (c.vocab_size <= 0 || c.num_hidden_layers < 0 || c.intermediate_size <= 0 || c.max_position_embeddings <= 0 ||
      c.type_vocab_size <= 0) {
    throw InputError(InputLocation{name}, "sizes must be positive");
  }
  check_probability(c.hidden_dropout_prob, "hidden_dropout_prob", name);
  check_probability(c.attention_probs_dropout_prob, "attention_probs_dropout_prob", name);
  check_parameter_count(c.parameter_count(), name);
  if (!(c.layer_norm_eps > 0)) throw InputError(InputLocation{name, 0, 0, "layer_norm_eps"}, "must be positive");
  if (!is_supported_activation(c.hidden_act)) {
    throw InputError(InputLocation{name, 0, 0, "hidden_act"}, "unsupported activation '" + c.hidden_act + "'");
  }
  return c;
}

double BertConfig::parameter_count() const {
  const double h = static_cast<double>(hidden_size), inter = static_cast<double>(intermediate_size);
  const double embeddings = h * (static_cast<double>(vocab_size) + static_cast<double>(max_position_embeddings) +
                                 static_cast<double>(type_vocab_size) + static_cast<double>(lexical_match_types)) + 2 * h;
  // Q, K, V and the attention output (weights and biases), the FFN, two LayerNorms.
  const double layer = 4 * (h * h + h) + (h * inter + inter) + (inter * h + h) + 4 * h;
  return embeddings + static_cast<double>(num_hidden_layers) * layer + (h * h + h);
}

std::string BertConfig::to_json() const {
  nlohmann::ordered_json j = {{"model_type", "bert"},
                              {"vocab_size", vocab_size},
                              {"hidden_size", hidden_size},
                              {"num_hidden_layers", num_hidden_layers},
                              {"num_attention_heads", num_attention_heads},
                              {"intermediate_size", intermediate_size},
                              {"hidden_act", hidden_act},
                              {"hidden_dropout_prob", hidden_dropout_prob},
                              {"attention_probs_dropout_prob", attention_probs_dropout_prob},
                              {"max_position_embeddings", max_position_embeddings},
                              {"type_vocab_size", type_vocab_size},
                              {"initializer_range", initializer_range},
                              {"layer_norm_eps", layer_norm_eps},
                              {"pad_token_id", pad_token_id},
                              {"num_labels", num_labels}};
  if (lexical_match_types > 0) j["lexical_match_types"] = lexical_match_types;
  return j.dump(2) + "\n";
}

}  // namespace frugal
