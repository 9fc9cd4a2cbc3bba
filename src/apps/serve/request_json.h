#pragma once
// The request bodies `frugal serve` accepts, parsed and validated without a model: HF
// pipeline JSON for QA ({"question", "context"}, or {"inputs": ...}, one or a list) and TEI's
// for classification and tokenization ({"inputs": "text" | ["text", ...] | [["a", "b"], ...]}).
// A bad body is a RequestError with TEI's status and error type, never a crash.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/serve/request_error.h"

namespace frugal::serve {

// The body as JSON: 400 "validation" for an empty body, a syntax error or invalid UTF-8
// (naming the byte offset).
nlohmann::json parse_body(const std::string& body);

struct QaInput {
  std::string question, context;
};

struct QaRequest {
  std::vector<QaInput> inputs;
  bool list = false;        // the body held a list: the answer is a list
  std::size_t top_k = 1;    // > 1: each answer is a list of the top_k spans
};

// 422 "validation" for a wrong shape or type, an empty question or context, or more than
// max_inputs inputs.
QaRequest parse_qa_request(const nlohmann::json& body, std::size_t max_inputs);

struct TextInput {
  std::string text, pair;  // pair empty: a single text
};

struct TextRequest {
  std::vector<TextInput> inputs;
  bool list = false;
  bool truncate = false;           // classify: cut over-long inputs instead of refusing them
  bool add_special_tokens = true;  // tokenize
  std::size_t top_k = 0;           // classify: 0 = every label
};

// {"inputs": "text" | ["text", ...] | [["first", "second"], ...]} (TEI), also {"text": ...,
// "text_pair": ...}. 422 as parse_qa_request.
TextRequest parse_text_request(const nlohmann::json& body, std::size_t max_inputs);

}  // namespace frugal::serve
