#include "tasks/qa/overlap_baseline.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <vector>

namespace frugal {
namespace {

struct Word {
  std::size_t begin, end;  // bytes
  std::string key;         // ASCII-lowercased
  std::size_t sentence;
};

bool is_separator(unsigned char c) { return c < 0x80 && !std::isalnum(c); }

std::vector<Word> split_words(const std::string& text) {
  std::vector<Word> words;
  std::size_t sentence = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_separator(c)) {
      if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.size() || text[i + 1] == ' ')) ++sentence;
      ++i;
      continue;
    }
    Word w{i, i, {}, sentence};
    while (i < text.size() && !is_separator(static_cast<unsigned char>(text[i]))) {
      w.key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
      ++i;
    }
    w.end = i;
    words.push_back(std::move(w));
  }
  return words;
}

const std::unordered_set<std::string>& stopwords() {
  static const std::unordered_set<std::string> words = {
      "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "is", "are", "was",
      "were", "be", "been", "did", "do", "does", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
      "that", "this", "these", "those", "it", "its", "as", "s", "has", "have", "had", "not", "many", "much", "name"};
  return words;
}

}  // namespace

BaselineAnswer overlap_baseline_answer(const std::string& context, const std::string& question,
                                       std::size_t max_answer_words) {
  const auto question_words = split_words(question);
  std::unordered_set<std::string> content;
  for (const auto& w : question_words) {
    if (!stopwords().count(w.key)) content.insert(w.key);
  }
  const auto words = split_words(context);
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
    const bool candidate = words[i].sentence == best && !content.count(words[i].key) && !stopwords().count(words[i].key);
    if (!candidate) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < words.size() && words[j].sentence == best && !content.count(words[j].key) &&
           !stopwords().count(words[j].key) && j - i < max_answer_words) {
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
