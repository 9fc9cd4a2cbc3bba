#include "tasks/qagen/cloze_questions.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "core/utf8.h"
#include "tasks/qa/lexical_match.h"

namespace frugal {
namespace {

bool is_year(const std::string& word) {
  if (word.size() != 4 || !std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
  const int y = std::stoi(word);
  return y >= 1000 && y <= 2099;
}

bool is_number_word(const std::string& w) {
  static const std::set<std::string> words = {"one",   "two",    "three",    "four",     "five",    "six",      "seven",
                                              "eight", "nine",   "ten",      "eleven",   "twelve",  "twenty",   "thirty",
                                              "forty", "fifty",  "hundred",  "hundreds", "thousand", "thousands", "million",
                                              "millions", "billion", "dozen", "several", "dozens"};
  return words.count(w) > 0;
}

bool is_time_word(const std::string& w) {
  static const std::set<std::string> words = {"january", "february", "march",    "april",   "may",      "june",
                                              "july",    "august",   "september", "october", "november", "december",
                                              "century", "centuries", "decade",  "decades", "bc",       "ad",
                                              "year",    "years",    "spring",   "summer",  "autumn",   "winter"};
  return words.count(w) > 0;
}

}  // namespace

std::string cloze_wh_word(const std::string& answer, const std::string& word_before) {
  const auto words = split_lexical_words(answer);
  if (words.empty()) return "What";
  bool time = false, number = false;
  for (const auto& w : words) {
    time = time || is_year(w.key) || is_time_word(w.key);
    number = number || std::isdigit(static_cast<unsigned char>(w.key[0])) || is_number_word(w.key);
  }
  if (time) return "When";
  // "$52,700", "35 percent": a quantity; "5 species": how many.
  if (number) {
    if (answer.find('$') != std::string::npos || answer.find('%') != std::string::npos) return "How much";
    return "How many";
  }
  const bool capitalised = std::isupper(static_cast<unsigned char>(answer[words.front().begin]));
  static const std::set<std::string> place_prepositions = {"in", "at", "near", "from", "to", "into", "across", "throughout"};
  if (capitalised && place_prepositions.count(word_before)) return "Where";
  if (capitalised && words.front().key != "the") return "Who";
  return "What";
}

std::string cloze_question(const std::string& context, const std::string& answer, std::int64_t answer_start,
                           const ClozeQuestionOptions& options) {
  const CodePointIndex index(context);
  const auto answer_length = CodePointIndex(answer).size();
  if (answer_start < 0 || static_cast<std::size_t>(answer_start) + answer_length > index.size() || answer_length == 0) return {};
  const auto begin = index.byte_offset(static_cast<std::size_t>(answer_start));
  const auto end = index.byte_offset(static_cast<std::size_t>(answer_start) + answer_length);
  if (context.compare(begin, end - begin, answer) != 0) return {};
  const auto words = split_lexical_words(context);
  // The answer's sentence is its first word's.
  const auto first = std::find_if(words.begin(), words.end(), [&](const LexicalWord& w) { return w.end > begin; });
  if (first == words.end()) return {};
  const auto sentence = first->sentence;
  std::vector<const LexicalWord*> before, after;
  const LexicalWord* sentence_start = nullptr;
  for (const auto& w : words) {
    if (w.sentence != sentence) continue;
    if (!sentence_start) sentence_start = &w;
    if (w.end <= begin) before.push_back(&w);
    if (w.begin >= end) after.push_back(&w);
  }
  const std::string word_before = before.empty() ? "" : before.back()->key;
  const auto wh = cloze_wh_word(answer, word_before);
  // The answer's determiner goes with it ("the 10th century"), and so does its preposition when
  // the wh-word asks for a time or place ("in 1066" -> "When ...?").
  static const std::set<std::string> determiners = {"the", "a", "an"};
  static const std::set<std::string> answer_prepositions = {"in", "on", "at", "during", "since", "from", "by", "near", "into"};
  if (!before.empty() && determiners.count(before.back()->key)) before.pop_back();
  if ((wh == "When" || wh == "Where") && !before.empty() && answer_prepositions.count(before.back()->key)) before.pop_back();
  if (before.size() > options.words_each_side) before.erase(before.begin(), before.end() - static_cast<std::ptrdiff_t>(options.words_each_side));
  if (after.size() > options.words_each_side) after.resize(options.words_each_side);
  if (before.empty() && after.empty()) return {};
  // The original text between the kept words (commas, hyphens, quotes stay as written).
  std::string left = before.empty() ? "" : context.substr(before.front()->begin, before.back()->end - before.front()->begin);
  std::string right = after.empty() ? "" : context.substr(after.front()->begin, after.back()->end - after.front()->begin);
  // A sentence-initial function word is not a name: "The Normans" -> "the Normans".
  if (!left.empty() && before.front() == sentence_start && lexical_stopwords().count(before.front()->key)) {
    left[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(left[0])));
  }
  std::string q = wh;
  if (!left.empty()) q += " " + left;
  if (!right.empty()) q += " " + right;
  return q + "?";
}

}  // namespace frugal
