#pragma once
// What POST /v1/qa, /v1/classify and /v1/tokenize compute, given a parsed request: tokenize
// on the calling (request) thread, queue the rows in the dynamic batcher, wait, and decode
// exactly as `frugal qa predict` and `frugal classify predict` do. RequestError (422, 503)
// for what the limits refuse or a timeout.
#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>

#include "apps/serve/dynamic_batcher.h"
#include "apps/serve/request_json.h"
#include "apps/serve/served_model_torch.h"
#include "tasks/qa/qa_features.h"

namespace frugal::serve {

class ServerMetrics;

struct RequestLimits {
  std::size_t max_input_tokens = 0;   // per input (QA: question + context); 0: no limit
  std::chrono::milliseconds timeout{30000};  // waiting for the batcher
};

struct QaOptions {
  QaFeatureOptions windows;  // max_length from the served model
  QaDecodeOptions decode;
};

// Filled for the access log and the metrics.
struct RequestStats {
  std::size_t inputs = 0, rows = 0, tokens = 0;
};

struct RequestServices {
  ServedModel* model = nullptr;
  DynamicBatcher* batcher = nullptr;
  ServerMetrics* metrics = nullptr;
  RequestLimits limits;
  QaOptions qa;
};

// HF's question-answering pipeline answer: {"answer", "score", "start", "end"} (code points of
// the context, end exclusive; score = the span's probability over the n-best); a list for
// top_k > 1 and a list of those for a list of inputs.
nlohmann::json answer_questions(const QaRequest& request, RequestServices& services, RequestStats& stats);
// [{"label", "score"}] by descending score, per input (a list of those for a list).
nlohmann::json classify_texts(const TextRequest& request, RequestServices& services, RequestStats& stats);
// TEI's /tokenize: per input [{"id", "text", "special", "start", "stop"}] (code points).
nlohmann::json tokenize_texts(const TextRequest& request, RequestServices& services, RequestStats& stats);

}  // namespace frugal::serve
