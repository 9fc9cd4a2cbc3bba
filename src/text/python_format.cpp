#include "text/python_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace frugal::py {

std::string float_repr(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  // Shortest round-trip digits in scientific form, e.g. "8.1234e+01".
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  if (result.ec != std::errc()) throw std::runtime_error("float_repr: to_chars failed");
  std::string sci(buffer, result.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exponent = std::atoi(sci.c_str() + e + 1);
  const int decpt = exponent + 1;  // value = 0.DIGITS x 10^decpt, as in CPython
  const int ndigits = static_cast<int>(digits.size());

  if (decpt <= -4 || decpt > 16) {
    std::string out = sign + digits.substr(0, 1);
    if (ndigits > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  if (decpt <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
  if (decpt < ndigits) return sign + digits.substr(0, decpt) + "." + digits.substr(decpt);
  return sign + digits + std::string(static_cast<std::size_t>(decpt - ndigits), '0') + ".0";
}

std::string json_dumps(const JsonNumberObject& object, int indent) {
  if (object.empty()) return "{}";
  const std::string newline = indent >= 0 ? "\n" : "";
  const std::string pad = indent >= 0 ? std::string(static_cast<std::size_t>(indent), ' ') : "";
  const std::string item_separator = indent >= 0 ? "," : ", ";
  std::string out = "{" + newline;
  for (std::size_t i = 0; i < object.size(); ++i) {
    const auto& [key, value] = object[i];
    out += pad + "\"" + key + "\": ";
    if (std::holds_alternative<std::int64_t>(value)) {
      out += std::to_string(std::get<std::int64_t>(value));
    } else {
      out += float_repr(std::get<double>(value));
    }
    if (i + 1 < object.size()) out += item_separator;
    out += newline;
  }
  return out + "}";
}

}  // namespace frugal::py
