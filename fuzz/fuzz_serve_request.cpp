// libFuzzer target for the request bodies of `frugal serve`: bytes as the body of POST /v1/qa,
// /v1/classify and /v1/tokenize. A body is either refused with a RequestError (status 400 or
// 422, a type and a non-empty message: the server answers TEI's {"error", "error_type"}) or
// gives between 1 and max_inputs inputs, QA ones with a non-empty question and context.
#include <cstdint>
#include <string>

#include "apps/serve/request_json.h"
#include "fuzz_target.h"

namespace {

void expect_refusal(const frugal::serve::RequestError& e, int status) {
  frugal::fuzz::require(e.status() == status, "status " + std::to_string(e.status()) + " where " + std::to_string(status) + " is due");
  frugal::fuzz::require(!e.type().empty() && std::string(e.what()).size() > 0, "a refusal without a type or message");
  frugal::fuzz::require(std::string(e.what()).find('\n') == std::string::npos, "a refusal message of several lines");
}

}  // namespace

FRUGAL_FUZZ_TARGET(fuzz_serve_request) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  nlohmann::json json;
  try {
    json = frugal::serve::parse_body(body);
  } catch (const frugal::serve::RequestError& e) {
    expect_refusal(e, 400);
    return;
  }
  const std::size_t max_inputs = 1 + size % 8;
  try {
    const auto qa = frugal::serve::parse_qa_request(json, max_inputs);
    frugal::fuzz::require(!qa.inputs.empty() && qa.inputs.size() <= max_inputs, "QA inputs outside 1..max_inputs");
    frugal::fuzz::require(qa.list || qa.inputs.size() == 1, "several inputs from a body without a list");
    frugal::fuzz::require(qa.top_k >= 1, "top_k below 1");
    for (const auto& input : qa.inputs) {
      frugal::fuzz::require(!input.question.empty() && !input.context.empty(), "an empty question or context");
    }
  } catch (const frugal::serve::RequestError& e) {
    expect_refusal(e, 422);
  }
  try {
    const auto text = frugal::serve::parse_text_request(json, max_inputs);
    frugal::fuzz::require(!text.inputs.empty() && text.inputs.size() <= max_inputs, "text inputs outside 1..max_inputs");
    frugal::fuzz::require(text.list || text.inputs.size() == 1, "several inputs from a body without a list");
  } catch (const frugal::serve::RequestError& e) {
    expect_refusal(e, 422);
  }
}
