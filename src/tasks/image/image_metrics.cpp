#include "tasks/image/image_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "tasks/classify/classify_metrics.h"

namespace frugal {

double clipped_log_loss(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels, double eps) {
  if (probabilities.size() != labels.size()) throw std::invalid_argument("clipped_log_loss: one label per row is needed");
  if (labels.empty()) return 0;
  double loss = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double sum = 0;
    for (const auto v : probabilities[i]) sum += std::clamp(static_cast<double>(v), eps, 1 - eps);
    const double p = std::clamp(static_cast<double>(probabilities[i].at(static_cast<std::size_t>(labels[i]))), eps, 1 - eps) / sum;
    loss -= std::log(p);
  }
  return loss / static_cast<double>(labels.size());
}

double binary_auc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double average_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1 .. j
    for (std::size_t k = i; k < j; ++k) {
      if (positive[order[k]]) rank_sum += average_rank, positives += 1;
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double macro_auc_ovr(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels) {
  if (probabilities.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t k = probabilities.front().size();
  double sum = 0;
  std::size_t counted = 0;
  std::vector<double> scores(labels.size());
  std::vector<bool> positive(labels.size());
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      scores[i] = probabilities[i][c];
      positive[i] = labels[i] == static_cast<std::int64_t>(c);
    }
    const double auc = binary_auc(scores, positive);
    if (!std::isnan(auc)) sum += auc, ++counted;
  }
  return counted == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(counted);
}

nlohmann::json score_images(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels,
                            const std::vector<std::string>& label_names, double eps) {
  const auto base = score_classification(probabilities, labels);
  nlohmann::json j = base.to_json();
  j["log_loss"] = clipped_log_loss(probabilities, labels, eps);
  const double auc = macro_auc_ovr(probabilities, labels);
  j["auc"] = std::isnan(auc) ? nlohmann::json() : nlohmann::json(auc);
  nlohmann::json per_class = nlohmann::json::array();
  for (std::size_t c = 0; c < label_names.size(); ++c) {
    std::size_t support = 0, predicted = 0, correct = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const auto p = static_cast<std::size_t>(argmax(probabilities[i]));
      support += static_cast<std::size_t>(labels[i]) == c;
      predicted += p == c;
      correct += p == c && static_cast<std::size_t>(labels[i]) == c;
    }
    per_class.push_back({{"label", label_names[c]}, {"support", support}, {"predicted", predicted}, {"correct", correct}});
  }
  j["per_class"] = per_class;
  return j;
}

}  // namespace frugal
