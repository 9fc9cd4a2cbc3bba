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
//
// The sentence scheme (config "lexical_match_types": 30) matches English stems instead of whole
// words (text/stemmer.h: "stands" matches "stand") and adds the baseline's other signal, the
// sentence: id = word match + 3 * (count + 5 * best), where count is how many distinct content
// words of the question the token's sentence holds (0..4, 4 = four or more) and best says it is
// the context's sentence with the most (the one the overlap baseline answers from; ties share
// it). Separators and punctuation belong to the sentence of the word before them.
//
// The distance scheme (180) adds, to the sentence scheme's id, 30 * how far the word is from the
// nearest content-word match in its sentence: 0 (it is one), 1, 2, 3-4, 5-8 words, or farther /
// none — the overlap baseline answers next to those words.
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
inline constexpr std::int64_t kLexicalMatchTypes = 3, kLexicalSentenceMatchTypes = 30, kLexicalDistanceMatchTypes = 180;

// Whether `types` names a scheme: 0 (no features), 3 (word match), 30 (word x sentence) or 180
// (word x sentence x distance).
bool is_lexical_match_scheme(std::int64_t types);

// Per code point of `context`: the id of its word's match (kNoLexicalMatch outside words) in the
// scheme of `types` (3, 30 or 180; 0 gives all kNoLexicalMatch).
std::vector<std::int32_t> lexical_match_per_code_point(const std::string& context, const std::string& question,
                                                       std::int64_t types = kLexicalMatchTypes);

}  // namespace frugal
