#pragma once
// Classification scores as scikit-learn computes them: accuracy, macro-F1 (f1_score
// average="macro": the mean over the labels present in the truth or the predictions, F1 = 0
// where a label has no true or predicted example) and log loss (mean -ln p[label], p clipped to
// [1e-15, 1 - 1e-15]).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace frugal {

struct ClassificationScores {
  double accuracy = 0, macro_f1 = 0, log_loss = 0;
  std::size_t examples = 0;
  nlohmann::json to_json() const;  // {"accuracy", "macro_f1", "log_loss", "examples"}
};

// probabilities: one row per example (num_labels each); labels: the true ids.
ClassificationScores score_classification(const std::vector<std::vector<float>>& probabilities,
                                          const std::vector<std::int64_t>& labels);

// The index of the largest probability (the first on a tie).
std::int64_t argmax(const std::vector<float>& probabilities);

}  // namespace frugal
