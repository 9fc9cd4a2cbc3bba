#pragma once
// Python's float repr and json.dumps layout, for outputs that must match a reference
// Python script character for character (e.g. the official SQuAD evaluation).
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace frugal::py {

// repr(float): shortest round-trip digits; exponent form when the exponent is < -4 or
// >= 16 ("1e-05", "1e+16"), otherwise fixed with at least one decimal ("100.0").
// json.dumps spellings for the rest: NaN, Infinity, -Infinity.
std::string float_repr(double value);

using JsonNumber = std::variant<std::int64_t, double>;
using JsonNumberObject = std::vector<std::pair<std::string, JsonNumber>>;

// json.dumps(obj) (indent < 0) or json.dumps(obj, indent=N) of a flat object of numbers with
// ASCII keys; no trailing newline.
std::string json_dumps(const JsonNumberObject& object, int indent = -1);

}  // namespace frugal::py
