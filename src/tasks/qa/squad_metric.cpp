#include "tasks/qa/squad_metric.h"

#include <algorithm>
#include <unordered_map>

#include "text/python_unicode.h"
#include "core/utf8.h"

namespace frugal {
namespace {

bool is_ascii_punctuation(char32_t c) {
  // Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool is_article(std::u32string_view word) { return word == U"a" || word == U"an" || word == U"the"; }

}  // namespace

std::vector<std::string> squad_tokens(std::string_view text) {
  // lower -> remove punctuation (the official order of the nested calls).
  std::u32string s = py::lower(decode_utf8(text));
  s.erase(std::remove_if(s.begin(), s.end(), is_ascii_punctuation), s.end());
  // \b(a|an|the)\b: a match spans exactly one maximal run of word characters, so replace
  // each run that is an article.
  std::size_t i = 0;
  while (i < s.size()) {
    if (!py::is_word_char(s[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && py::is_word_char(s[end])) ++end;
    if (is_article(std::u32string_view(s).substr(i, end - i))) {
      s.replace(i, end - i, U" ");
      end = i + 1;
    }
    i = end;
  }
  std::vector<std::string> tokens;
  for (auto field : py::split_whitespace(s)) tokens.push_back(encode_utf8(field));
  return tokens;
}

std::string squad_normalize(std::string_view text) {
  std::string out;
  for (const auto& token : squad_tokens(text)) {
    if (!out.empty()) out.push_back(' ');
    out += token;
  }
  return out;
}

bool squad_exact(std::string_view gold, std::string_view prediction) {
  return squad_tokens(gold) == squad_tokens(prediction);
}

double squad_f1_tokens(const std::vector<std::string>& gold, const std::vector<std::string>& prediction,
                       SquadMetricVersion version) {
  if (version == SquadMetricVersion::V2_0 && (gold.empty() || prediction.empty())) {
    return gold == prediction ? 1.0 : 0.0;
  }
  // Counter(prediction) & Counter(gold): the multiset intersection.
  std::unordered_map<std::string_view, long> counts;
  for (const auto& t : gold) ++counts[t];
  long num_same = 0;
  for (const auto& t : prediction) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++num_same;
    }
  }
  if (num_same == 0) return 0.0;
  // Same operations, in the same order, as the official scripts, so the doubles agree.
  const double precision = 1.0 * static_cast<double>(num_same) / static_cast<double>(prediction.size());
  const double recall = 1.0 * static_cast<double>(num_same) / static_cast<double>(gold.size());
  return (2 * precision * recall) / (precision + recall);
}

double squad_f1(std::string_view gold, std::string_view prediction, SquadMetricVersion version) {
  return squad_f1_tokens(squad_tokens(gold), squad_tokens(prediction), version);
}

}  // namespace frugal
