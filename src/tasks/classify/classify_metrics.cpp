#include "tasks/classify/classify_metrics.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace frugal {

nlohmann::json ClassificationScores::to_json() const {
  return {{"accuracy", accuracy}, {"macro_f1", macro_f1}, {"log_loss", log_loss}, {"examples", examples}};
}

std::int64_t argmax(const std::vector<float>& p) {
  return static_cast<std::int64_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

ClassificationScores score_classification(const std::vector<std::vector<float>>& probabilities,
                                          const std::vector<std::int64_t>& labels) {
  if (probabilities.size() != labels.size()) throw std::invalid_argument("score_classification: one label per row is needed");
  ClassificationScores s;
  s.examples = labels.size();
  if (labels.empty()) return s;
  std::set<std::int64_t> present;
  std::vector<std::int64_t> predicted(labels.size());
  double loss = 0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& p = probabilities[i];
    predicted[i] = argmax(p);
    correct += predicted[i] == labels[i];
    present.insert(labels[i]);
    present.insert(predicted[i]);
    // sklearn normalises each row before clipping; rows here sum to 1 up to rounding.
    double sum = 0;
    for (const auto v : p) sum += v;
    const double q = std::clamp(static_cast<double>(p.at(static_cast<std::size_t>(labels[i]))) / sum, 1e-15, 1 - 1e-15);
    loss -= std::log(q);
  }
  double f1_sum = 0;
  for (const auto label : present) {
    std::size_t tp = 0, fp = 0, fn = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      tp += predicted[i] == label && labels[i] == label;
      fp += predicted[i] == label && labels[i] != label;
      fn += predicted[i] != label && labels[i] == label;
    }
    f1_sum += tp == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
  }
  s.accuracy = static_cast<double>(correct) / static_cast<double>(labels.size());
  s.macro_f1 = f1_sum / static_cast<double>(present.size());
  s.log_loss = loss / static_cast<double>(labels.size());
  return s;
}

}  // namespace frugal
