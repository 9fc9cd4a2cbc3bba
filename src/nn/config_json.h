#pragma once
// Reading HF config.json files: the object itself and typed optional fields, with errors that
// name the file and the key (shared by BertConfig and Gpt2Config).
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace frugal {

// The JSON object of a config file; InputError (with the place) for malformed JSON or a non-object.
nlohmann::json parse_config_json(const std::string& text, const std::string& name);

// field = j[key] when present and not null; InputError naming the key on a wrong type.
template <class T>
void config_field(const nlohmann::json& j, const char* key, T& field, const std::string& name) {
  if (!j.contains(key) || j[key].is_null()) return;
  try {
    field = j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(InputLocation{name, 0, 0, key}, "wrong type");
  }
}

}  // namespace frugal
