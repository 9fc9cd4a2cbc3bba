#pragma once
// Reading HF config.json files: the object itself and typed optional fields, with errors that
// name the file and the key (shared by BertConfig and Gpt2Config).
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace frugal {

// The JSON object of a config file; InputError (with the place) for malformed JSON, a non-object,
// or (when model_type is given) a "model_type" that is not a string or names another family
// (absent is fine).
nlohmann::json parse_config_json(const std::string& text, const std::string& name, const std::string& model_type = "");

// The names of labels 0..n-1 from HF's id2label ({"0": "negative", ...}); a label without one is
// named by its id.
std::vector<std::string> id2label_names(const nlohmann::json& config, std::int64_t n);

// field = j[key] when present and not null; InputError naming the key on a wrong type (an
// integer field takes integers only: 100.5 is refused, not truncated) or an integer beyond
// 2^31 - 1 (ids and sizes are 32-bit in tokenizers and features).
template <class T>
void config_field(const nlohmann::json& j, const char* key, T& field, const std::string& name) {
  if (!j.contains(key) || j[key].is_null()) return;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!j[key].is_number_integer()) throw InputError(InputLocation{name, 0, 0, key}, "not an integer: " + j[key].dump());
    if (j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() > 2147483647u
                                    : (j[key].get<std::int64_t>() > 2147483647 || j[key].get<std::int64_t>() < -2147483647)) {
      throw InputError(InputLocation{name, 0, 0, key}, "out of range: " + j[key].dump());
    }
  }
  try {
    field = j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(InputLocation{name, 0, 0, key}, "wrong type");
  }
}

// InputError naming the key unless 0 <= p < 1 (dropout probabilities).
void check_probability(double p, const char* key, const std::string& name);

// InputError when a model of this many parameters could not be held (over 2^34 floats).
void check_parameter_count(double parameters, const std::string& name);

}  // namespace frugal
