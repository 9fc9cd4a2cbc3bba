#include "core/json_input.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "core/error.h"
#include "core/utf8.h"

namespace frugal {

namespace {

// Where simdjson's depth limit or 64-bit integer range is first exceeded (nlohmann accepts both,
// so it cannot locate them): a scan outside strings. npos when not found.
std::size_t offset_of_limit(std::string_view text, simdjson::error_code error) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > simdjson::DEFAULT_MAX_DEPTH && error == simdjson::DEPTH_ERROR) return i;
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if ((c == '-' || (c >= '0' && c <= '9')) && error != simdjson::DEPTH_ERROR) {
      std::size_t end = i + 1;
      bool integer = true;
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || std::strchr(".eE+-", text[end]))) {
        integer = integer && std::isdigit(static_cast<unsigned char>(text[end]));
        ++end;
      }
      const auto digits = end - i - (c == '-' ? 1 : 0);
      const double magnitude = std::fabs(std::strtod(std::string(text.substr(i, end - i)).c_str(), nullptr));
      if (integer && (digits > 20 || (digits >= 19 && magnitude > (c == '-' ? 9.2233720368547758e18 : 1.8446744073709552e19)))) {
        return i;
      }
      i = end - 1;
    }
  }
  return std::string_view::npos;
}

// simdjson 3.0 (Debian 12) reports an integer beyond 64 bits as NUMBER_ERROR; later versions
// (3.12, Debian 13) as BIGINT_ERROR, an enumerator 3.0 lacks: detected, not version-tested.
template <typename Code, typename = void>
struct HasBigintError : std::false_type {};
template <typename Code>
struct HasBigintError<Code, std::void_t<decltype(Code::BIGINT_ERROR)>> : std::true_type {};

template <typename Code>
bool is_number_range_error(Code error) {
  if constexpr (HasBigintError<Code>::value) {
    if (error == Code::BIGINT_ERROR) return true;
  }
  return error == Code::NUMBER_ERROR;
}

}  // namespace

simdjson::dom::element parse_json_text(simdjson::dom::parser& parser, std::string_view text, const std::string& name,
                                       std::uint64_t line) {
  // FILE:LINE:COL for a line of a JSONL file, FILE:LINE:COL of the file otherwise.
  const auto locate = [&](std::size_t offset) {
    auto where = locate_offset(text, offset, name);
    if (line > 0) where.line = line;
    return where;
  };
  const auto bad = find_invalid_utf8(text);
  if (bad != kValidUtf8) throw InputError(locate(bad), "invalid UTF-8");
  // Never valid JSON (not even inside a string); nlohmann's lexer would stop there as at the end.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) throw InputError(locate(nul), "malformed JSON: a NUL byte");
  // A UTF-8 byte-order mark is not JSON, but editors write one and nlohmann (the streaming
  // readers) skips it: so do these readers.
  const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  auto result = parser.parse(text.data() + bom, text.size() - bom, true);
  if (result.error() == simdjson::SUCCESS) return result.value_unsafe();
  if (result.error() == simdjson::DEPTH_ERROR || is_number_range_error(result.error())) {
    const auto at = offset_of_limit(text, result.error());
    if (at != std::string_view::npos) {
      throw InputError(locate(at), result.error() == simdjson::DEPTH_ERROR
                                       ? "JSON nested deeper than " + std::to_string(simdjson::DEFAULT_MAX_DEPTH) + " levels"
                                       : std::string("a number beyond 64-bit integers"));
    }
  }
  // simdjson reports no position; nlohmann's parser does, and runs only on this error path.
  try {
    const auto reparsed = nlohmann::json::parse(text.begin(), text.end());
    (void)reparsed;
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(locate(e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + nlohmann_error_detail(e.what()));
  } catch (const std::exception&) {
  }
  throw InputError(locate(0), std::string("malformed JSON: ") + simdjson::error_message(result.error()));
}

std::string nlohmann_error_detail(const std::string& what) {
  // nlohmann 3.11.3 (Debian 13) words an empty input its own way; 3.11.2 (Debian 12) as any
  // input that ends where a value should start. One wording, whichever library is linked.
  if (what.find("attempting to parse an empty input") != std::string::npos) {
    return "syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal";
  }
  const auto syntax = what.find("syntax error");
  if (syntax != std::string::npos) return what.substr(syntax);
  const auto tag = what.find("] ");
  return tag == std::string::npos ? what : what.substr(tag + 2);
}

nlohmann::json parse_nlohmann_text(std::string_view text, const std::string& name, std::uint64_t line) {
  const auto locate = [&](std::size_t offset) {
    auto where = locate_offset(text, offset, name);
    if (line > 0) where.line = line;
    return where;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(locate(e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + nlohmann_error_detail(e.what()));
  } catch (const nlohmann::json::exception& e) {
    // A number beyond a double ("number overflow parsing '1e400'"): no offset, but its text.
    const std::string message = nlohmann_error_detail(e.what());
    std::size_t offset = 0;
    if (const auto open = message.find('\''), close = message.rfind('\''); open != std::string::npos && close > open) {
      offset = std::min(text.find(message.substr(open + 1, close - open - 1)), text.size());
    }
    throw InputError(locate(offset), "malformed JSON: " + message);
  }
}

simdjson::dom::element parse_json_file(simdjson::dom::parser& parser, const std::string& path) {
  simdjson::padded_string content;
  if (auto error = simdjson::padded_string::load(path).get(content)) {
    throw InputError(InputLocation{path}, std::string("cannot read file: ") + simdjson::error_message(error));
  }
  return parse_json_text(parser, std::string_view(content.data(), content.size()), path);
  // NOTE: the DOM parser copies what it needs; content may go out of scope.
}

JsonContext JsonContext::child(std::string_view key) const {
  return JsonContext{file, path.empty() ? std::string(key) : path + "." + std::string(key), line};
}

JsonContext JsonContext::index(std::size_t i) const { return JsonContext{file, path + "[" + std::to_string(i) + "]", line}; }

void JsonContext::fail(const std::string& what) const {
  InputLocation where{file, line};
  where.path = path.empty() ? "(root)" : path;
  throw InputError(where, what);
}

simdjson::dom::object json_object(simdjson::dom::element e, const JsonContext& at) {
  simdjson::dom::object o;
  if (e.get(o)) at.fail("expected an object");
  return o;
}

simdjson::dom::array json_array(simdjson::dom::element e, const JsonContext& at) {
  simdjson::dom::array a;
  if (e.get(a)) at.fail("expected an array");
  return a;
}

std::string_view json_string(simdjson::dom::element e, const JsonContext& at) {
  std::string_view s;
  if (e.get(s)) at.fail("expected a string");
  return s;
}

std::int64_t json_int(simdjson::dom::element e, const JsonContext& at) {
  std::int64_t v;
  if (e.get(v) == simdjson::SUCCESS) return v;
  double d;
  if (e.get(d) == simdjson::SUCCESS && integral_int64(d, v)) return v;
  at.fail("expected an integer");
}

bool integral_int64(double d, std::int64_t& out) {
  // Range first: converting a double beyond int64 is undefined.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != static_cast<double>(static_cast<std::int64_t>(d))) {
    return false;
  }
  out = static_cast<std::int64_t>(d);
  return true;
}

double json_number(simdjson::dom::element e, const JsonContext& at) {
  double d;
  if (e.get(d)) at.fail("expected a number");
  return d;
}

simdjson::dom::element json_field(simdjson::dom::object o, std::string_view key, const JsonContext& at) {
  simdjson::dom::element e;
  if (o.at_key(key).get(e)) at.fail("missing field \"" + std::string(key) + "\"");
  return e;
}

bool json_has(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element e;
  return o.at_key(key).get(e) == simdjson::SUCCESS;
}

void append_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace frugal
