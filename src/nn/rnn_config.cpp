#include "nn/rnn_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "nn/config_json.h"

namespace frugal {

RnnConfig RnnConfig::parse(const std::string& text, const std::string& name) {
  const auto j = parse_config_json(text, name, "frugal_rnn");
  RnnConfig c;
  auto get = [&](const char* key, auto& field) { config_field(j, key, field, name); };
  get("vocab_size", c.vocab_size);
  get("embedding_dim", c.embedding_dim);
  get("freeze_embeddings", c.freeze_embeddings);
  get("cell", c.cell);
  get("num_layers", c.num_layers);
  get("hidden_size", c.hidden_size);
  get("bidirectional", c.bidirectional);
  get("pooling", c.pooling);
  get("dropout", c.dropout);
  if (j.contains("classifier_hidden") && !j["classifier_hidden"].is_null()) {
    if (!j["classifier_hidden"].is_array()) throw InputError(InputLocation{name, 0, 0, "classifier_hidden"}, "a list of sizes is needed");
    c.classifier_hidden.clear();
    for (const auto& v : j["classifier_hidden"]) {
      if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > 1 << 20) {
        throw InputError(InputLocation{name, 0, 0, "classifier_hidden"}, "sizes must be positive integers, not " + v.dump());
      }
      c.classifier_hidden.push_back(v.get<std::int64_t>());
    }
  }
  get("classifier_batch_norm", c.classifier_batch_norm);
  get("classifier_dropout", c.classifier_dropout);
  if (j.contains("id2label") && j["id2label"].is_object()) c.num_labels = static_cast<std::int64_t>(j["id2label"].size());
  get("num_labels", c.num_labels);
  get("pad_token_id", c.pad_token_id);
  get("max_length", c.max_length);
  get("initializer_range", c.initializer_range);
  if (c.cell != "lstm" && c.cell != "gru") throw InputError(InputLocation{name, 0, 0, "cell"}, "must be lstm or gru, not '" + c.cell + "'");
  if (c.pooling != "last" && c.pooling != "max" && c.pooling != "mean" && c.pooling != "attention") {
    throw InputError(InputLocation{name, 0, 0, "pooling"}, "must be last, max, mean or attention, not '" + c.pooling + "'");
  }
  const std::pair<const char*, std::int64_t> positive[] = {{"vocab_size", c.vocab_size},   {"embedding_dim", c.embedding_dim},
                                                           {"num_layers", c.num_layers},   {"hidden_size", c.hidden_size},
                                                           {"num_labels", c.num_labels},   {"max_length", c.max_length}};
  for (const auto& [key, value] : positive) {
    if (value <= 0) throw InputError(InputLocation{name, 0, 0, key}, "must be positive");
  }
  if (c.num_labels < 2) throw InputError(InputLocation{name, 0, 0, "num_labels"}, "a classifier needs at least 2 labels");
  if (c.pad_token_id < 0 || c.pad_token_id >= c.vocab_size) {
    throw InputError(InputLocation{name, 0, 0, "pad_token_id"}, "must be a token id below vocab_size");
  }
  if (!(c.initializer_range >= 0)) throw InputError(InputLocation{name, 0, 0, "initializer_range"}, "must not be negative");
  check_probability(c.dropout, "dropout", name);
  check_probability(c.classifier_dropout, "classifier_dropout", name);
  check_parameter_count(c.parameter_count(), name);
  return c;
}

double RnnConfig::parameter_count() const {
  const double gates = cell == "lstm" ? 4 : 3, h = static_cast<double>(hidden_size), dirs = static_cast<double>(directions());
  double n = static_cast<double>(vocab_size) * static_cast<double>(embedding_dim);
  double in = static_cast<double>(embedding_dim);
  for (std::int64_t layer = 0; layer < num_layers; ++layer) {
    n += dirs * gates * h * (in + h + 2);  // weight_ih, weight_hh, bias_ih, bias_hh
    in = h * dirs;
  }
  if (pooling == "attention") n += in;
  for (const auto width : classifier_hidden) {
    n += (in + 1) * static_cast<double>(width) + (classifier_batch_norm ? 2.0 * static_cast<double>(width) : 0.0);
    in = static_cast<double>(width);
  }
  return n + (in + 1) * static_cast<double>(num_labels);
}

}  // namespace frugal
