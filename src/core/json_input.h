#pragma once
// Reading JSON inputs with simdjson, failing with locations a user can act on:
// invalid UTF-8 and syntax errors as FILE:LINE:COL, structural problems (missing field,
// wrong type) as FILE: json.path.
#include <nlohmann/json_fwd.hpp>
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace frugal {

// Loads and parses a whole JSON file. The parser owns the returned element's memory.
simdjson::dom::element parse_json_file(simdjson::dom::parser& parser, const std::string& path);
// Same for text already in memory; name is used in messages.
simdjson::dom::element parse_json_text(simdjson::dom::parser& parser, std::string_view text, const std::string& name,
                                       std::uint64_t line = 0);

// The same for the readers that want nlohmann's DOM: InputError "malformed JSON" at FILE:LINE:COL
// (LINE the line of a JSONL file when line > 0) for a syntax error or a number beyond a
// double, never another exception.
nlohmann::json parse_nlohmann_text(std::string_view text, const std::string& name, std::uint64_t line = 0);
// The part of a nlohmann exception's message a user needs: from "syntax error" on, else what
// follows its "[json.exception...]" tag.
std::string nlohmann_error_detail(const std::string& what);
// json_int's rule for doubles: an integral value within int64 (writers print offsets as 12.0).
bool integral_int64(double d, std::int64_t& out);

// Typed access that throws InputError("FILE: PATH: ...") on a missing field or wrong type.
struct JsonContext {
  const std::string& file;
  std::string path;        // e.g. data[3].paragraphs[0]
  std::uint64_t line = 0;  // the line of a JSONL file the object is on (0: a whole file)

  JsonContext child(std::string_view key) const;
  JsonContext index(std::size_t i) const;
  [[noreturn]] void fail(const std::string& what) const;
};

simdjson::dom::object json_object(simdjson::dom::element e, const JsonContext& at);
simdjson::dom::array json_array(simdjson::dom::element e, const JsonContext& at);
std::string_view json_string(simdjson::dom::element e, const JsonContext& at);
std::int64_t json_int(simdjson::dom::element e, const JsonContext& at);
double json_number(simdjson::dom::element e, const JsonContext& at);
// The field, or a failure naming it when absent.
simdjson::dom::element json_field(simdjson::dom::object o, std::string_view key, const JsonContext& at);
// The field when present, else an invalid element (check with .is_null() / error()).
bool json_has(simdjson::dom::object o, std::string_view key);

// JSON string literal with the escapes JSON requires; non-ASCII UTF-8 is kept as is.
void append_json_string(std::string& out, std::string_view s);

}  // namespace frugal
