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

}  // namespace frugal
