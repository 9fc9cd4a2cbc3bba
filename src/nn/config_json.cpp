#include "nn/config_json.h"

#include <fmt/format.h>

#include "core/json_input.h"

namespace frugal {

nlohmann::json parse_config_json(const std::string& text, const std::string& name, const std::string& model_type) {
  auto j = parse_nlohmann_text(text, name);
  if (!j.is_object()) throw InputError(InputLocation{name, 1}, "config.json holds one JSON object");
  if (!model_type.empty()) {
    std::string type = model_type;
    config_field(j, "model_type", type, name);
    if (type != model_type) throw InputError(InputLocation{name, 0, 0, "model_type"}, "'" + type + "' is not " + model_type);
  }
  return j;
}

void check_probability(double p, const char* key, const std::string& name) {
  if (!(p >= 0 && p < 1)) throw InputError(InputLocation{name, 0, 0, key}, "must be in [0, 1), not " + std::to_string(p));
}

void check_parameter_count(double parameters, const std::string& name) {
  if (parameters > 17179869184.0) {
    // (%.0f, not an integer conversion: the count may be beyond any integer type.)
    throw InputError(InputLocation{name}, "sizes give " + fmt::format("{:.0f}", parameters) +
                                              " parameters, more than frugal can hold (2^34)");
  }
}

std::vector<std::string> id2label_names(const nlohmann::json& config, std::int64_t n) {
  std::vector<std::string> names;
  const auto id2label = config.value("id2label", nlohmann::json::object());
  for (std::int64_t k = 0; k < n; ++k) {
    const auto key = std::to_string(k);
    names.push_back(id2label.is_object() && id2label.contains(key) && id2label[key].is_string() ? id2label[key].get<std::string>() : key);
  }
  return names;
}

}  // namespace frugal
