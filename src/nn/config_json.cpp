#include "nn/config_json.h"

namespace frugal {

nlohmann::json parse_config_json(const std::string& text, const std::string& name) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(locate_offset(text, e.byte > 0 ? e.byte - 1 : 0, name), "malformed JSON");
  }
  if (!j.is_object()) throw InputError(InputLocation{name}, "config.json holds one JSON object");
  return j;
}

void check_probability(double p, const char* key, const std::string& name) {
  if (!(p >= 0 && p < 1)) throw InputError(InputLocation{name, 0, 0, key}, "must be in [0, 1), not " + std::to_string(p));
}

void check_parameter_count(double parameters, const std::string& name) {
  if (parameters > 17179869184.0) {
    throw InputError(InputLocation{name}, "sizes give " + std::to_string(static_cast<long long>(parameters)) +
                                              " parameters, more than frugal can hold (2^34)");
  }
}

}  // namespace frugal
