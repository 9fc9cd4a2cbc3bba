#pragma once
// Tang et al. (2019), "Distilling Task-Specific Knowledge from BERT into Simple Neural
// Networks": data augmentation for distillation. For each word draw X ~ U(0,1): X < p_mask ->
// the mask token; X < p_mask + p_pos -> a word of the same part of speech, drawn from that
// part of speech's unigram distribution in the corpus; then, with probability p_ng, keep only
// a random n-gram (n uniform in 1..5). n_iter tries per example; duplicates and the original
// are dropped. Sentence pairs vary the first, the second, then both, in turn.
// Deterministic: example i's variants depend only on (seed, i).
#include <cstdint>
#include <string>
#include <vector>

#include <array>
#include <unordered_map>

#include "augment/pos_lexicon.h"
#include "core/rng.h"

namespace frugal {

struct TangOptions {
  double p_mask = 0.1;
  double p_pos = 0.1;
  double p_ng = 0.25;
  std::size_t n_iter = 20;
  std::string mask_token = "[MASK]";
};

class TangAugmenter {
 public:
  // corpus: the texts whose words make the per-part-of-speech unigram distributions.
  TangAugmenter(const PosLexicon& lexicon, const std::vector<std::string>& corpus, TangOptions options);

  // fields: one text, or two for a pair. Returns the new variants (each as many fields).
  std::vector<std::vector<std::string>> augment(const std::vector<std::string>& fields, std::uint64_t seed,
                                                std::uint64_t index) const;

  PartOfSpeech tag(const std::string& word) const;  // cached lexicon tag of a lowercased word
  std::size_t vocabulary(PartOfSpeech pos) const { return words_[static_cast<std::size_t>(pos)].size(); }

 private:
  std::string vary(const std::string& text, Rng& rng) const;
  const std::string& sample(PartOfSpeech pos, Rng& rng) const;

  const PosLexicon& lexicon_;
  TangOptions options_;
  std::unordered_map<std::string, PartOfSpeech> tags_;
  // Per part of speech: distinct words and their cumulative counts.
  std::array<std::vector<std::string>, 5> words_;
  std::array<std::vector<std::uint64_t>, 5> cumulative_;
};

std::vector<std::string> split_words(const std::string& text);

}  // namespace frugal
