#pragma once
// What `image eval` reports, computed as scikit-learn does: accuracy, macro-F1
// (tasks/classify/classify_metrics.h), log loss with probabilities clipped to
// [eps, 1 - eps] and each row renormalised (sklearn's log_loss(eps=...); the seed's eps is
// 1e-5), one-vs-rest macro ROC AUC (roc_auc_score(multi_class="ovr", average="macro"): the
// mean over labels with positive and negative examples of the Mann-Whitney AUC, ties counted
// half), and per-class counts.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace frugal {

double clipped_log_loss(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels, double eps);

// The binary AUC of `scores` for `positive` examples (Mann-Whitney with average ranks); NaN
// when either class is empty.
double binary_auc(const std::vector<double>& scores, const std::vector<bool>& positive);

// Macro one-vs-rest AUC over the labels that have both positive and negative examples; NaN if none.
double macro_auc_ovr(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels);

// {"accuracy", "macro_f1", "log_loss", "auc", "examples", "per_class": [{"label", "support",
// "predicted", "correct"}...]}; label_names[k] names label k.
nlohmann::json score_images(const std::vector<std::vector<float>>& probabilities, const std::vector<std::int64_t>& labels,
                            const std::vector<std::string>& label_names, double eps = 1e-5);

}  // namespace frugal
