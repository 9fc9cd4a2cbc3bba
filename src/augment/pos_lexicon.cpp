#include "augment/pos_lexicon.h"

#include <array>
#include <sstream>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"

namespace frugal {

const char* to_string(PartOfSpeech pos) {
  switch (pos) {
    case PartOfSpeech::Noun: return "noun";
    case PartOfSpeech::Verb: return "verb";
    case PartOfSpeech::Adjective: return "adj";
    case PartOfSpeech::Adverb: return "adv";
    case PartOfSpeech::None: break;
  }
  return "none";
}

namespace {

constexpr std::array<std::pair<PartOfSpeech, const char*>, 4> kFiles = {
    {{PartOfSpeech::Noun, "noun"}, {PartOfSpeech::Verb, "verb"}, {PartOfSpeech::Adjective, "adj"}, {PartOfSpeech::Adverb, "adv"}}};

// WordNet's morphy detachment rules (suffix, ending) per part of speech.
const std::vector<std::pair<std::string, std::string>>& rules(PartOfSpeech pos) {
  static const std::vector<std::pair<std::string, std::string>> noun = {
      {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
  static const std::vector<std::pair<std::string, std::string>> verb = {
      {"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}};
  static const std::vector<std::pair<std::string, std::string>> adj = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
  static const std::vector<std::pair<std::string, std::string>> none;
  switch (pos) {
    case PartOfSpeech::Noun: return noun;
    case PartOfSpeech::Verb: return verb;
    case PartOfSpeech::Adjective: return adj;
    default: return none;
  }
}

}  // namespace

PosLexicon PosLexicon::load(const std::string& dir) {
  PosLexicon lexicon;
  for (const auto& [pos, name] : kFiles) {
    const std::string index_path = dir + "/index." + name;
    const std::string text = read_file(index_path);
    std::istringstream lines(text);
    std::string line;
    std::uint64_t line_no = 0;
    while (std::getline(lines, line)) {
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;  // the licence header
      std::istringstream fields(line);
      std::string lemma, p;
      std::size_t synsets = 0, pointers = 0;
      if (!(fields >> lemma >> p >> synsets >> pointers)) throw InputError(InputLocation{index_path, line_no, 1}, "malformed index line");
      std::string skip;
      for (std::size_t k = 0; k < pointers; ++k) fields >> skip;
      std::uint32_t senses = 0, tagged = 0;
      if (!(fields >> senses >> tagged)) throw InputError(InputLocation{index_path, line_no, 1}, "malformed index line");
      for (auto& c : lemma) c = c == '_' ? ' ' : c;  // collocations use '_'
      auto& w = lexicon.weights_[lemma];
      w[static_cast<std::size_t>(pos)] = tagged + 1;  // +1: a listed sense counts even if never tagged
    }
    const std::string exc_path = dir + "/" + name + ".exc";
    std::istringstream exc(read_file(exc_path));
    while (std::getline(exc, line)) {
      std::istringstream fields(line);
      std::string form, base;
      if (fields >> form >> base) lexicon.exceptions_[form][static_cast<std::size_t>(pos)] = base;
    }
  }
  if (lexicon.weights_.empty()) throw InputError(InputLocation{dir}, "no WordNet index entries (install wordnet-base)");
  return lexicon;
}

std::uint32_t PosLexicon::weight(const std::string& lemma, PartOfSpeech pos) const {
  const auto it = weights_.find(lemma);
  return it == weights_.end() ? 0 : it->second[static_cast<std::size_t>(pos)];
}

PartOfSpeech PosLexicon::tag(std::string_view word_view) const {
  const std::string word(word_view);
  PartOfSpeech best = PartOfSpeech::None;
  std::uint32_t best_weight = 0;
  for (const auto& [pos, name] : kFiles) {
    std::uint32_t w = weight(word, pos);
    if (const auto it = exceptions_.find(word); it != exceptions_.end() && !it->second[static_cast<std::size_t>(pos)].empty()) {
      w = std::max(w, weight(it->second[static_cast<std::size_t>(pos)], pos));
    }
    if (w == 0) {
      for (const auto& [suffix, ending] : rules(pos)) {
        if (word.size() > suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0) {
          w = std::max(w, weight(word.substr(0, word.size() - suffix.size()) + ending, pos));
        }
      }
    }
    if (w > best_weight) {  // ties keep the earlier: noun, verb, adjective, adverb
      best_weight = w;
      best = pos;
    }
  }
  return best;
}

}  // namespace frugal
