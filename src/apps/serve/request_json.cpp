#include "apps/serve/request_json.h"

#include <fmt/format.h>

namespace frugal::serve {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw RequestError(422, "validation", message); }

const nlohmann::json* field(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string string_field(const nlohmann::json& object, const char* name, const std::string& where) {
  const auto* value = field(object, name);
  if (value == nullptr) invalid(fmt::format("{}: missing \"{}\"", where, name));
  if (!value->is_string()) invalid(fmt::format("{}: \"{}\" must be a string, not {}", where, name, value->type_name()));
  return value->get<std::string>();
}

void check_count(std::size_t n, std::size_t max_inputs) {
  if (n == 0) invalid("no inputs");
  if (max_inputs > 0 && n > max_inputs) {
    invalid(fmt::format("batch size {} > maximum allowed batch size {} (--max-client-batch-size)", n, max_inputs));
  }
}

std::size_t top_k_of(const nlohmann::json& body, std::size_t fallback) {
  if (!body.is_object()) return fallback;
  const auto* k = field(body, "top_k");
  if (k == nullptr || k->is_null()) return fallback;
  if (!k->is_number_integer() || k->get<std::int64_t>() < 1 || k->get<std::int64_t>() > 1000) {
    invalid("\"top_k\" must be an integer from 1 to 1000");
  }
  return static_cast<std::size_t>(k->get<std::int64_t>());
}

bool bool_field(const nlohmann::json& body, const char* name, bool fallback) {
  if (!body.is_object()) return fallback;
  const auto* v = field(body, name);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_boolean()) invalid(fmt::format("\"{}\" must be true or false", name));
  return v->get<bool>();
}

QaInput qa_input(const nlohmann::json& item, const std::string& where) {
  if (!item.is_object()) invalid(fmt::format("{}: expected an object with \"question\" and \"context\", not {}", where, item.type_name()));
  QaInput in{string_field(item, "question", where), string_field(item, "context", where)};
  if (in.question.find_first_not_of(" \t\r\n") == std::string::npos) invalid(where + ": the question is empty");
  if (in.context.find_first_not_of(" \t\r\n") == std::string::npos) invalid(where + ": the context is empty");
  return in;
}

TextInput text_input(const nlohmann::json& item, const std::string& where) {
  if (item.is_string()) return {item.get<std::string>(), ""};
  if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
    return {item[0].get<std::string>(), item[1].get<std::string>()};
  }
  invalid(fmt::format("{}: expected a string or a pair [\"first\", \"second\"], not {}", where, item.type_name()));
}

}  // namespace

nlohmann::json error_body(const std::string& message, const std::string& type) {
  return {{"error", message}, {"error_type", type}};
}

nlohmann::json parse_body(const std::string& body) {
  if (body.empty()) throw RequestError(400, "validation", "empty body: expected JSON");
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() names the byte offset ("syntax error while parsing value - invalid literal; last read: ...").
    throw RequestError(400, "validation", fmt::format("malformed JSON at byte {}: {}", e.byte, e.what()));
  } catch (const nlohmann::json::exception& e) {
    // A number beyond a double: nlohmann reports it as out_of_range, not as a parse error.
    throw RequestError(400, "validation", fmt::format("malformed JSON: {}", e.what()));
  }
}

QaRequest parse_qa_request(const nlohmann::json& body, std::size_t max_inputs) {
  QaRequest request;
  const nlohmann::json* items = &body;
  if (body.is_object() && field(body, "inputs") != nullptr) items = field(body, "inputs");
  request.top_k = top_k_of(body, 1);
  if (items->is_array()) {
    request.list = true;
    check_count(items->size(), max_inputs);
    for (std::size_t i = 0; i < items->size(); ++i) request.inputs.push_back(qa_input((*items)[i], fmt::format("inputs[{}]", i)));
  } else {
    request.inputs.push_back(qa_input(*items, "inputs"));
  }
  return request;
}

TextRequest parse_text_request(const nlohmann::json& body, std::size_t max_inputs) {
  if (!body.is_object()) invalid(fmt::format("expected an object with \"inputs\", not {}", body.type_name()));
  TextRequest request;
  request.truncate = bool_field(body, "truncate", false);
  request.add_special_tokens = bool_field(body, "add_special_tokens", true);
  request.top_k = top_k_of(body, 0);
  if (const auto* text = field(body, "text"); text != nullptr && field(body, "inputs") == nullptr) {
    TextInput in{string_field(body, "text", "body"), ""};
    if (field(body, "text_pair") != nullptr) in.pair = string_field(body, "text_pair", "body");
    request.inputs.push_back(std::move(in));
    return request;
  }
  const auto* inputs = field(body, "inputs");
  if (inputs == nullptr) invalid("missing \"inputs\"");
  // A list of two strings is two texts (TEI), not a pair; a pair is a list inside the list.
  if (inputs->is_array()) {
    request.list = true;
    check_count(inputs->size(), max_inputs);
    for (std::size_t i = 0; i < inputs->size(); ++i) request.inputs.push_back(text_input((*inputs)[i], fmt::format("inputs[{}]", i)));
  } else {
    request.inputs.push_back(text_input(*inputs, "inputs"));
  }
  return request;
}

}  // namespace frugal::serve
