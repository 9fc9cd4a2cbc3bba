#pragma once
// Words as the lexical QA signals see them, shared by the overlap baseline and the reader's
// lexical-match features: maximal runs of bytes that are not ASCII punctuation or space,
// ASCII-lowercased; sentences end at '.', '?' or '!' before a space or the end.
//
// Lexical-match features (a frugal extension of the QA model, after DrQA's exact-match features,
// Chen et al. 2017): each context token gets the id of its word's match with the question —
// 0 no match (and every question or special token), 1 the lower-cased word occurs in the
// question and is a stop word, 2 it occurs and is a content word. The QA model adds them as an
// embedding (config "lexical_match_types": 3), so a tiny reader starts from what the lexical
// baseline knows.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace frugal {

struct LexicalWord {
  std::size_t begin, end;  // bytes
  std::string key;         // ASCII-lowercased
  std::size_t sentence;
};

std::vector<LexicalWord> split_lexical_words(const std::string& text);

// Function words that carry no answer-locating signal (the baseline's list).
const std::unordered_set<std::string>& lexical_stopwords();

inline constexpr std::int32_t kNoLexicalMatch = 0, kStopwordMatch = 1, kContentMatch = 2;
inline constexpr std::int64_t kLexicalMatchTypes = 3;

// Per code point of `context`: the match id of the word it belongs to (kNoLexicalMatch outside words).
std::vector<std::int32_t> lexical_match_per_code_point(const std::string& context, const std::string& question);

}  // namespace frugal
