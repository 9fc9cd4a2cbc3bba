#include "tasks/qa/squad_eval.h"

#include <algorithm>

#include "core/error.h"
#include "core/json_input.h"

namespace frugal {

SquadPredictions read_squad_predictions(const std::string& path) {
  simdjson::dom::parser parser;
  const JsonContext top{path, ""};
  SquadPredictions predictions;
  for (auto [key, value] : json_object(parse_json_file(parser, path), top)) {
    const auto at = top.child(key);
    predictions[std::string(key)] = std::string(json_string(value, at));
  }
  return predictions;
}

std::vector<NaProb> read_na_probs(const std::string& path) {
  simdjson::dom::parser parser;
  const JsonContext top{path, ""};
  std::vector<NaProb> probs;
  std::unordered_map<std::string, std::size_t> position;
  for (auto [key, value] : json_object(parse_json_file(parser, path), top)) {
    NaProb p;
    p.id = std::string(key);
    std::int64_t as_int;
    if (value.is_int64() && value.get(as_int) == simdjson::SUCCESS) {
      p.value = static_cast<double>(as_int);
      p.integral = true;
    } else {
      p.value = json_number(value, top.child(key));
    }
    auto [it, inserted] = position.emplace(p.id, probs.size());
    if (inserted) {
      probs.push_back(std::move(p));
    } else {
      probs[it->second] = std::move(p);  // dict semantics: first position, last value
    }
  }
  return probs;
}

double SquadEvalResult::metric(const std::string& key) const {
  for (const auto& [k, v] : metrics) {
    if (k == key) return std::holds_alternative<double>(v) ? std::get<double>(v) : static_cast<double>(std::get<std::int64_t>(v));
  }
  throw std::out_of_range("no metric " + key);
}

namespace {

struct Question {
  const SquadQuestion* qa;
  const std::string* id;
};

// Questions in file order with duplicate ids collapsed to the first position and the last
// occurrence, as the scripts' dicts do.
std::vector<Question> unique_questions(const SquadDataset& data) {
  std::vector<Question> questions;
  std::unordered_map<std::string_view, std::size_t> position;
  for (const auto& article : data.articles)
    for (const auto& paragraph : article.paragraphs)
      for (const auto& qa : paragraph.qas) {
        auto [it, inserted] = position.emplace(qa.id, questions.size());
        if (inserted) {
          questions.push_back({&qa, &qa.id});
        } else {
          questions[it->second].qa = &qa;
        }
      }
  return questions;
}

double max_over_golds(const std::vector<std::string>& golds, const std::string& prediction, bool exact,
                      SquadMetricVersion version) {
  const auto pred_tokens = squad_tokens(prediction);
  double best = 0.0;
  bool first = true;
  for (const auto& gold : golds) {
    const auto gold_tokens = squad_tokens(gold);
    const double score = exact ? (gold_tokens == pred_tokens ? 1.0 : 0.0)
                               : squad_f1_tokens(gold_tokens, pred_tokens, version);
    if (first || score > best) best = score;
    first = false;
  }
  return best;
}

SquadEvalResult evaluate_v1(const SquadDataset& data, const SquadPredictions& predictions) {
  SquadEvalResult result;
  result.version = SquadMetricVersion::V1_1;
  if (!data.version.empty() && data.version != "1.1") {
    result.messages.push_back("Evaluation expects v-1.1, but got dataset with v-" + data.version);
  }
  double exact_match = 0.0;
  double f1 = 0.0;
  std::int64_t total = 0;
  // evaluate-v1.1.py walks every question, duplicates included.
  for (const auto& article : data.articles)
    for (const auto& paragraph : article.paragraphs)
      for (const auto& qa : paragraph.qas) {
        ++total;
        const auto it = predictions.find(qa.id);
        if (it == predictions.end()) {
          result.messages.push_back("Unanswered question " + qa.id + " will receive score 0.");
          continue;
        }
        if (qa.answers.empty()) {
          throw InputError(InputLocation{"", 0, 0, "question " + qa.id},
                           "has no answers: v1.1 scoring needs at least one (use --squad-version 2.0)");
        }
        std::vector<std::string> golds;
        for (const auto& a : qa.answers) golds.push_back(a.text);
        const double exact = max_over_golds(golds, it->second, true, result.version);
        const double f1_here = max_over_golds(golds, it->second, false, result.version);
        exact_match += exact;
        f1 += f1_here;
        result.per_question.push_back({qa.id, exact, f1_here});
      }
  if (total == 0) throw InputError("the data file has no questions");
  result.metrics = {{"exact_match", 100.0 * exact_match / static_cast<double>(total)},
                    {"f1", 100.0 * f1 / static_cast<double>(total)}};
  return result;
}

struct EvalTotals {
  double exact = 0, f1 = 0;
  std::int64_t total = 0;
};

SquadEvalResult evaluate_v2(const SquadDataset& data, const SquadPredictions& predictions,
                            const SquadEvalOptions& options) {
  SquadEvalResult result;
  result.version = SquadMetricVersion::V2_0;
  const auto questions = unique_questions(data);
  if (questions.empty()) throw InputError("the data file has no questions");

  std::unordered_map<std::string_view, double> na_prob;
  std::vector<NaProb> na_list;
  if (options.na_probs) {
    na_list = *options.na_probs;
  } else {
    // na_probs = {k: 0.0 for k in preds}; the order does not matter without best_* keys.
    for (const auto& [id, text] : predictions) na_list.push_back({id, 0.0, false});
  }
  for (const auto& p : na_list) na_prob[p.id] = p.value;

  std::vector<double> exact_raw(questions.size()), f1_raw(questions.size());
  std::unordered_map<std::string_view, std::size_t> index_of;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const auto& qa = *questions[i].qa;
    index_of[qa.id] = i;
    const auto it = predictions.find(qa.id);
    if (it == predictions.end()) {
      throw InputError("no prediction for question " + qa.id +
                       " (evaluate-v2.0.py requires one for every question; predict \"\" for no answer)");
    }
    std::vector<std::string> golds;
    for (const auto& a : qa.answers) {
      if (!squad_tokens(a.text).empty()) golds.push_back(a.text);
    }
    if (golds.empty()) golds.push_back("");
    exact_raw[i] = max_over_golds(golds, it->second, true, result.version);
    f1_raw[i] = max_over_golds(golds, it->second, false, result.version);
    result.per_question.push_back({qa.id, exact_raw[i], f1_raw[i]});
  }

  std::vector<double> exact_thresh(questions.size()), f1_thresh(questions.size());
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const auto& qa = *questions[i].qa;
    const auto it = na_prob.find(qa.id);
    if (it == na_prob.end()) throw InputError("no na-prob for question " + qa.id);
    const bool has_answer = !qa.answers.empty();
    if (it->second > options.na_prob_thresh) {
      exact_thresh[i] = f1_thresh[i] = has_answer ? 0.0 : 1.0;
    } else {
      exact_thresh[i] = exact_raw[i];
      f1_thresh[i] = f1_raw[i];
    }
  }

  EvalTotals all, has_ans, no_ans;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    all.exact += exact_thresh[i];
    all.f1 += f1_thresh[i];
    ++all.total;
  }
  // Separate passes keep the summation order of the script's per-subset sums.
  for (std::size_t i = 0; i < questions.size(); ++i) {
    auto& t = questions[i].qa->answers.empty() ? no_ans : has_ans;
    t.exact += exact_thresh[i];
    t.f1 += f1_thresh[i];
    ++t.total;
  }
  auto add = [&](const std::string& prefix, const EvalTotals& t) {
    const auto n = static_cast<double>(t.total);
    result.metrics.emplace_back(prefix + "exact", 100.0 * t.exact / n);
    result.metrics.emplace_back(prefix + "f1", 100.0 * t.f1 / n);
    result.metrics.emplace_back(prefix + "total", t.total);
  };
  add("", all);
  if (has_ans.total > 0) add("HasAns_", has_ans);
  if (no_ans.total > 0) add("NoAns_", no_ans);

  if (options.na_probs) {
    std::int64_t num_no_ans = no_ans.total;
    std::vector<const NaProb*> order;
    for (const auto& p : na_list) order.push_back(&p);
    std::stable_sort(order.begin(), order.end(), [](const NaProb* a, const NaProb* b) { return a->value < b->value; });
    auto best_thresh = [&](const std::vector<double>& scores) {
      double cur_score = static_cast<double>(num_no_ans);
      double best_score = cur_score;
      py::JsonNumber thresh = 0.0;
      for (const NaProb* p : order) {
        const auto it = index_of.find(p->id);
        if (it == index_of.end()) continue;  // "if qid not in scores: continue"
        const auto& qa = *questions[it->second].qa;
        double diff;
        if (!qa.answers.empty()) {
          diff = scores[it->second];
        } else {
          diff = predictions.at(qa.id).empty() ? 0.0 : -1.0;
        }
        cur_score += diff;
        if (cur_score > best_score) {
          best_score = cur_score;
          thresh = p->integral ? py::JsonNumber(static_cast<std::int64_t>(p->value)) : py::JsonNumber(p->value);
        }
      }
      return std::make_pair(100.0 * best_score / static_cast<double>(questions.size()), thresh);
    };
    const auto [best_exact, exact_t] = best_thresh(exact_raw);
    const auto [best_f1, f1_t] = best_thresh(f1_raw);
    result.metrics.emplace_back("best_exact", best_exact);
    result.metrics.emplace_back("best_exact_thresh", exact_t);
    result.metrics.emplace_back("best_f1", best_f1);
    result.metrics.emplace_back("best_f1_thresh", f1_t);
  }
  return result;
}

}  // namespace

SquadEvalResult evaluate_squad(const SquadDataset& data, const SquadPredictions& predictions,
                               const SquadEvalOptions& options) {
  const auto version = options.version.value_or(data.is_v2() ? SquadMetricVersion::V2_0 : SquadMetricVersion::V1_1);
  if (version == SquadMetricVersion::V1_1) {
    if (options.na_probs) throw InputError("--na-prob applies to SQuAD v2.0 scoring only");
    return evaluate_v1(data, predictions);
  }
  return evaluate_v2(data, predictions, options);
}

std::string format_squad_question_scores(const SquadEvalResult& result) {
  std::string out;
  for (const auto& q : result.per_question) {
    out += "{\"id\": ";
    append_json_string(out, q.id);
    out += ", \"exact\": " + py::float_repr(q.exact) + ", \"f1\": " + py::float_repr(q.f1) + "}\n";
  }
  return out;
}

std::string format_squad_eval(const SquadEvalResult& result, bool to_stdout) {
  // v1.1: print(json.dumps(...)). v2.0: print(json.dumps(..., indent=2)) or json.dump(f).
  if (result.version == SquadMetricVersion::V1_1) return py::json_dumps(result.metrics) + (to_stdout ? "\n" : "");
  return to_stdout ? py::json_dumps(result.metrics, 2) + "\n" : py::json_dumps(result.metrics);
}

}  // namespace frugal
