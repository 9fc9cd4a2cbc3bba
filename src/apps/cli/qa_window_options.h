#pragma once
// The QA windowing and decoding options that `qa train`, `qa predict` and `serve --task qa`
// share, so a served model answers exactly as `qa predict` with the same flags.
#include <CLI/CLI.hpp>

#include <cstddef>

#include "tasks/qa/qa_features.h"

namespace frugal::cli {

struct WindowArgs {
  std::size_t max_length = 384, stride = 128, max_question_tokens = 64, max_answer_length = 30, n_best = 20;
  double null_threshold = 0.0;
  QaFeatureOptions features() const { return {max_length, stride, max_question_tokens}; }
  QaDecodeOptions decode(bool allow_no_answer) const { return {n_best, max_answer_length, allow_no_answer, null_threshold}; }
};

void add_window_options(CLI::App* cmd, WindowArgs& w);

}  // namespace frugal::cli
