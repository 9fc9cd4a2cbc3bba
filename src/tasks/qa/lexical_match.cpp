#include "tasks/qa/lexical_match.h"

#include <cctype>

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

std::vector<std::int32_t> lexical_match_per_code_point(const std::string& context, const std::string& question) {
  std::unordered_set<std::string> asked;
  for (auto& w : split_lexical_words(question)) asked.insert(std::move(w.key));
  // Code point index of every byte (continuation bytes share their lead byte's index).
  std::vector<std::size_t> code_point(context.size() + 1, 0);
  std::size_t cp = 0;
  for (std::size_t b = 0; b < context.size(); ++b) {
    if (b > 0 && (static_cast<unsigned char>(context[b]) & 0xC0) != 0x80) ++cp;
    code_point[b] = cp;
  }
  const std::size_t code_points = context.empty() ? 0 : cp + 1;
  std::vector<std::int32_t> match(code_points, kNoLexicalMatch);
  for (const auto& w : split_lexical_words(context)) {
    if (!asked.count(w.key)) continue;
    const auto id = lexical_stopwords().count(w.key) ? kStopwordMatch : kContentMatch;
    for (std::size_t c = code_point[w.begin]; c <= code_point[w.end - 1]; ++c) match[c] = id;
  }
  return match;
}

}  // namespace frugal
