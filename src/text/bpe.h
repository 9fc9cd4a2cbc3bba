#pragma once
// Byte-pair encoding by merge rank (GPT-2, RoBERTa and HF's BPE model): start from one
// symbol per character, repeatedly apply the lowest-ranked merge (leftmost first), exactly
// as HF tokenizers' BPE::merge_word. Results are cached per word.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/vocab.h"
#include "text/wordpiece.h"

namespace frugal {

struct BpeOptions {
  std::string unk_token;                  // empty: characters outside the vocabulary are dropped
  std::string continuing_subword_prefix;  // prepended to non-initial symbols
  std::string end_of_word_suffix;         // appended to the final symbol
  bool fuse_unk = false;
  std::size_t cache_capacity = 100000;    // words
};

class Bpe {
 public:
  Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);
  ~Bpe();
  const Vocab& vocab() const { return vocab_; }
  const BpeOptions& options() const { return options_; }
  const std::vector<std::pair<std::string, std::string>>& merges() const { return merges_; }

  // Appends the pieces of one word (UTF-8 over the model's alphabet); piece ranges are code
  // point indices inside the word.
  void tokenize(std::string_view word, std::vector<SubwordPiece>& out) const;

 private:
  void merge_word(std::string_view word, std::vector<SubwordPiece>& out) const;

  Vocab vocab_;
  std::vector<std::pair<std::string, std::string>> merges_;
  BpeOptions options_;
  std::int32_t unk_id_ = -1;
  // (left id, right id) -> (rank, merged id)
  std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>> ranks_;

  struct CacheShard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<SubwordPiece>> words;
  };
  static constexpr std::size_t kShards = 32;
  std::unique_ptr<CacheShard[]> cache_;
};

}  // namespace frugal
