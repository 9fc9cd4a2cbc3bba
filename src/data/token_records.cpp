#include "data/token_records.h"

#include "core/error.h"
#include "core/json_input.h"
#include "core/text_lines.h"

namespace frugal {
namespace {

std::vector<std::int64_t> int_list(simdjson::dom::element e, const JsonContext& at) {
  std::vector<std::int64_t> out;
  std::size_t i = 0;
  for (auto v : json_array(e, at)) out.push_back(json_int(v, at.index(i++)));
  return out;
}

}  // namespace

std::vector<TokenRecord> read_token_records(const std::string& path, std::int64_t vocab_size) {
  std::vector<TokenRecord> records;
  simdjson::dom::parser parser;
  for_each_line(path, [&](std::string& line, std::uint64_t line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    const auto doc = parse_json_text(parser, line, path, line_no);
    const JsonContext at{path, "", line_no};
    const auto o = json_object(doc, at);
    TokenRecord r;
    r.line = line_no;
    const char* ids_key = json_has(o, "input_ids") ? "input_ids" : "ids";
    r.input_ids = int_list(json_field(o, ids_key, at), at.child(ids_key));
    if (r.input_ids.empty()) throw InputError(InputLocation{path, line_no}, "empty input_ids");
    if (json_has(o, "token_type_ids")) r.token_type_ids = int_list(json_field(o, "token_type_ids", at), at.child("token_type_ids"));
    if (json_has(o, "attention_mask")) r.attention_mask = int_list(json_field(o, "attention_mask", at), at.child("attention_mask"));
    for (const auto* other : {&r.token_type_ids, &r.attention_mask}) {
      if (!other->empty() && other->size() != r.input_ids.size()) {
        throw InputError(InputLocation{path, line_no}, "token_type_ids / attention_mask length differs from input_ids");
      }
    }
    for (const auto m : r.attention_mask) {
      if (m != 0 && m != 1) throw InputError(InputLocation{path, line_no, 0, "attention_mask"}, "values must be 0 or 1, not " + std::to_string(m));
    }
    for (const auto id : r.input_ids) {
      if (id < 0 || (vocab_size > 0 && id >= vocab_size)) {
        throw InputError(InputLocation{path, line_no}, "token id " + std::to_string(id) + " outside the vocabulary of " +
                                                           std::to_string(vocab_size));
      }
    }
    records.push_back(std::move(r));
  });
  return records;
}

}  // namespace frugal
