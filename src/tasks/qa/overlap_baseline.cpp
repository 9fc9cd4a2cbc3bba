#include "tasks/qa/overlap_baseline.h"

#include "tasks/qa/lexical_match.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <vector>

namespace frugal {

BaselineAnswer overlap_baseline_answer(const std::string& context, const std::string& question,
                                       std::size_t max_answer_words) {
  const auto question_words = split_lexical_words(question);
  std::unordered_set<std::string> content;
  for (const auto& w : question_words) {
    if (!lexical_stopwords().count(w.key)) content.insert(w.key);
  }
  const auto words = split_lexical_words(context);
  if (words.empty() || content.empty()) return {};

  const std::size_t sentences = words.back().sentence + 1;
  std::vector<std::unordered_set<std::string>> shared(sentences);
  for (const auto& w : words) {
    if (content.count(w.key)) shared[w.sentence].insert(w.key);
  }
  std::size_t best = 0;
  for (std::size_t s = 1; s < sentences; ++s) {
    if (shared[s].size() > shared[best].size()) best = s;
  }
  BaselineAnswer answer;
  answer.no_answer_prob = 1.0 - static_cast<double>(shared[best].size()) / static_cast<double>(content.size());

  // Mean position of the shared words in the chosen sentence.
  double anchor = 0;
  std::size_t anchors = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].sentence == best && content.count(words[i].key)) {
      anchor += static_cast<double>(i);
      ++anchors;
    }
  }
  if (anchors == 0) return answer;
  anchor /= static_cast<double>(anchors);

  // Runs of words absent from the question (stopwords included), nearest to the anchor.
  double best_distance = std::numeric_limits<double>::infinity();
  std::size_t run_begin = 0, run_end = 0;
  std::size_t i = 0;
  while (i < words.size()) {
    const bool candidate = words[i].sentence == best && !content.count(words[i].key) && !lexical_stopwords().count(words[i].key);
    if (!candidate) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < words.size() && words[j].sentence == best && !content.count(words[j].key) &&
           !lexical_stopwords().count(words[j].key) && j - i < max_answer_words) {
      ++j;
    }
    const double center = 0.5 * static_cast<double>(i + j - 1);
    const double distance = std::fabs(center - anchor);
    if (distance < best_distance) {
      best_distance = distance;
      run_begin = i;
      run_end = j;
    }
    i = j;
  }
  if (run_end > run_begin) {
    answer.text = context.substr(words[run_begin].begin, words[run_end - 1].end - words[run_begin].begin);
  }
  return answer;
}

}  // namespace frugal
