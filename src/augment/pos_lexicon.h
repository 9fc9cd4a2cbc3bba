#pragma once
// A part-of-speech lexicon from WordNet 3.0 (Debian's wordnet-base): every lemma with the
// parts of speech it has, weighted by WordNet's tagged sense counts, plus WordNet's
// morphology (exception lists and detachment rules, as its "morphy") so inflected forms find
// their lemma. It answers "the most likely part of speech of this word out of context": a
// context-free approximation of a tagger, which is what Tang et al.'s POS-guided replacement
// needs and all a dictionary can give. Words unknown to WordNet (function words among them)
// have no part of speech.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace frugal {

enum class PartOfSpeech : std::uint8_t { None = 0, Noun, Verb, Adjective, Adverb };
const char* to_string(PartOfSpeech pos);

class PosLexicon {
 public:
  // dir holds index.{noun,verb,adj,adv} and {noun,verb,adj,adv}.exc; default /usr/share/wordnet.
  static PosLexicon load(const std::string& dir = "/usr/share/wordnet");

  // The likeliest part of speech of a (lowercased) word form.
  PartOfSpeech tag(std::string_view word) const;
  std::size_t lemmas() const { return weights_.size(); }

 private:
  // lemma -> tagged-sense weight per part of speech (index 1..4)
  std::unordered_map<std::string, std::array<std::uint32_t, 5>> weights_;
  // inflected form -> base forms, per part of speech
  std::unordered_map<std::string, std::array<std::string, 5>> exceptions_;
  std::uint32_t weight(const std::string& lemma, PartOfSpeech pos) const;
};

}  // namespace frugal
