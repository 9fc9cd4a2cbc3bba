#include "tasks/qa/lexical_match.h"

#include "text/stemmer.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace frugal {
namespace {

bool is_separator(unsigned char c) { return c < 0x80 && !std::isalnum(c); }

}  // namespace

std::vector<LexicalWord> split_lexical_words(const std::string& text) {
  std::vector<LexicalWord> words;
  std::size_t sentence = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_separator(c)) {
      if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.size() || text[i + 1] == ' ')) ++sentence;
      ++i;
      continue;
    }
    LexicalWord w{i, i, {}, sentence};
    while (i < text.size() && !is_separator(static_cast<unsigned char>(text[i]))) {
      w.key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
      ++i;
    }
    w.end = i;
    words.push_back(std::move(w));
  }
  return words;
}

const std::unordered_set<std::string>& lexical_stopwords() {
  static const std::unordered_set<std::string> words = {
      "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "is", "are", "was",
      "were", "be", "been", "did", "do", "does", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
      "that", "this", "these", "those", "it", "its", "as", "s", "has", "have", "had", "not", "many", "much", "name"};
  return words;
}

bool is_lexical_match_scheme(std::int64_t types) {
  return types == 0 || types == kLexicalMatchTypes || types == kLexicalSentenceMatchTypes || types == kLexicalDistanceMatchTypes;
}

namespace {

// Words to the nearest match -> the distance scheme's six buckets: 0, 1, 2, 3-4, 5-8, farther or none.
std::int32_t distance_bucket(std::size_t d) {
  if (d <= 2) return static_cast<std::int32_t>(d);
  if (d <= 4) return 3;
  if (d <= 8) return 4;
  return 5;
}

}  // namespace

std::vector<std::int32_t> lexical_match_per_code_point(const std::string& context, const std::string& question,
                                                       std::int64_t types) {
  // The richer schemes match English stems ("stands" ~ "stand"), the word scheme whole words.
  const bool stems = types == kLexicalSentenceMatchTypes || types == kLexicalDistanceMatchTypes;
  const auto key = [stems](const LexicalWord& w) { return stems ? english_stem(w.key) : w.key; };
  std::unordered_set<std::string> asked;
  for (const auto& w : split_lexical_words(question)) asked.insert(key(w));
  // Code point index of every byte (continuation bytes share their lead byte's index).
  std::vector<std::size_t> code_point(context.size() + 1, 0);
  std::size_t cp = 0;
  for (std::size_t b = 0; b < context.size(); ++b) {
    if (b > 0 && (static_cast<unsigned char>(context[b]) & 0xC0) != 0x80) ++cp;
    code_point[b] = cp;
  }
  const std::size_t code_points = context.empty() ? 0 : cp + 1;
  std::vector<std::int32_t> match(code_points, kNoLexicalMatch);
  const auto words = split_lexical_words(context);
  if (types == 0 || words.empty()) return match;
  const std::size_t n = words.size();
  // Each word's key once: stemming is the costly part, and the sentence counts reuse it.
  std::vector<std::string> keys(n);
  std::vector<std::int32_t> word_match(n, kNoLexicalMatch);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = key(words[i]);
    if (asked.count(keys[i])) word_match[i] = lexical_stopwords().count(words[i].key) ? kStopwordMatch : kContentMatch;
  }
  // The id of each word without its own match, which the separators after it share.
  std::vector<std::int32_t> context_id(n, 0);
  if (types != kLexicalMatchTypes) {
    // Distinct content words of the question per sentence, and the best sentence's count.
    std::vector<std::unordered_set<std::string>> shared(words.back().sentence + 1);
    for (std::size_t i = 0; i < n; ++i) {
      if (word_match[i] == kContentMatch) shared[words[i].sentence].insert(keys[i]);
    }
    std::size_t best = 0;
    for (const auto& s : shared) best = std::max(best, s.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto& s = shared[words[i].sentence];
      const auto count = static_cast<std::int32_t>(std::min<std::size_t>(s.size(), 4));
      const std::int32_t is_best = best > 0 && s.size() == best ? 1 : 0;
      context_id[i] = static_cast<std::int32_t>(kLexicalMatchTypes) * (count + 5 * is_best);
    }
  }
  if (types == kLexicalDistanceMatchTypes) {
    // Words to the nearest content match of the same sentence (a pass each way).
    constexpr std::size_t kFar = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> distance(n, kFar);
    for (std::size_t i = 0, last = kFar; i < n; ++i) {
      if (i > 0 && words[i].sentence != words[i - 1].sentence) last = kFar;
      if (word_match[i] == kContentMatch) last = i;
      if (last != kFar) distance[i] = i - last;
    }
    for (std::size_t i = n, next = kFar; i-- > 0;) {
      if (i + 1 < n && words[i].sentence != words[i + 1].sentence) next = kFar;
      if (word_match[i] == kContentMatch) next = i;
      if (next != kFar) distance[i] = std::min(distance[i], next - i);
    }
    for (std::size_t i = 0; i < n; ++i) {
      context_id[i] += static_cast<std::int32_t>(kLexicalSentenceMatchTypes) * distance_bucket(distance[i]);
    }
  }
  // Code points from a word's start to the next word's start (the first word's from the
  // context's start) take the word's context id; the word's own code points add its match.
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t from = i == 0 ? 0 : code_point[words[i].begin];
    const std::size_t to = i + 1 < n ? code_point[words[i + 1].begin] : code_points;
    for (std::size_t c = from; c < to; ++c) match[c] = context_id[i];
    for (std::size_t c = code_point[words[i].begin]; c <= code_point[words[i].end - 1]; ++c) match[c] += word_match[i];
  }
  return match;
}

}  // namespace frugal
