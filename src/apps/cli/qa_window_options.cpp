#include "apps/cli/qa_window_options.h"

namespace frugal::cli {

void add_window_options(CLI::App* cmd, WindowArgs& w) {
  cmd->add_option("--max-length", w.max_length, "Tokens per window (question + context + specials)")->capture_default_str();
  cmd->add_option("--stride", w.stride, "Tokens shared by consecutive windows of a long context")->capture_default_str();
  cmd->add_option("--max-question-tokens", w.max_question_tokens, "Longer questions are cut")->capture_default_str();
  cmd->add_option("--max-answer-length", w.max_answer_length, "Longest answer, in tokens")->capture_default_str();
  cmd->add_option("--n-best", w.n_best, "Candidate spans kept per question")->capture_default_str();
  cmd->add_option("--null-threshold", w.null_threshold, "v2: answer nothing when null score - best score exceeds this")
      ->capture_default_str();
}

}  // namespace frugal::cli
