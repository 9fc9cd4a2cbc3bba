#pragma once
// The official SQuAD evaluation (evaluate-v1.1.py and evaluate-v2.0.py), reproduced to the
// last printed digit: same keys, same order, same float arithmetic, same Python float repr.
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/squad.h"
#include "tasks/qa/squad_metric.h"
#include "text/python_format.h"

namespace frugal {

// question id -> predicted answer text. A later duplicate key replaces an earlier one, as
// Python's json.load does.
using SquadPredictions = std::unordered_map<std::string, std::string>;
SquadPredictions read_squad_predictions(const std::string& path);

// question id -> probability of no answer, in file order (the order ties are broken in).
struct NaProb {
  std::string id;
  double value = 0.0;
  bool integral = false;  // a JSON integer: Python keeps it an int and prints it so
};
std::vector<NaProb> read_na_probs(const std::string& path);

struct SquadEvalOptions {
  std::optional<SquadMetricVersion> version;  // default: from the data file's "version"
  std::optional<std::vector<NaProb>> na_probs; // v2.0 only
  double na_prob_thresh = 1.0;
};

// One question's raw score (max over gold answers, before any no-answer threshold).
struct SquadQuestionScore {
  std::string id;
  double exact = 0;
  double f1 = 0;
};

struct SquadEvalResult {
  SquadMetricVersion version = SquadMetricVersion::V1_1;
  std::vector<SquadQuestionScore> per_question;  // questions that have a prediction, file order
  py::JsonNumberObject metrics;       // in the official key order
  std::vector<std::string> messages;  // what the official script prints on stderr
  double metric(const std::string& key) const;
};

// Throws InputError when the official v2.0 script would fail: a question without a
// prediction, or without an na-prob.
SquadEvalResult evaluate_squad(const SquadDataset& data, const SquadPredictions& predictions,
                               const SquadEvalOptions& options);

// JSON Lines {"id": ..., "exact": ..., "f1": ...}, one per scored question: for error
// analysis, and for checking the metric question by question against the reference.
std::string format_squad_question_scores(const SquadEvalResult& result);

// The text the official script prints (to_stdout) or writes with --out-file.
std::string format_squad_eval(const SquadEvalResult& result, bool to_stdout);

}  // namespace frugal
