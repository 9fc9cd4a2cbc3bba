#pragma once
// WordPiece (BERT): greedy longest-match-first over a word, continuation pieces prefixed
// with "##"; a word longer than max_input_chars_per_word, or with any part not in the
// vocabulary, becomes one unknown token. Exactly HF tokenizers' WordPiece model.
#include <cstdint>
#include <string>
#include <vector>

#include "text/vocab.h"

namespace frugal {

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
};

struct SubwordPiece {
  std::int32_t id;
  std::uint32_t begin, end;  // code point range inside the word
};

class WordPiece {
 public:
  WordPiece(Vocab vocab, WordPieceOptions options);
  const Vocab& vocab() const { return vocab_; }
  const WordPieceOptions& options() const { return options_; }
  std::int32_t unk_id() const { return unk_id_; }

  // Appends the pieces of one word (code points) to out.
  void tokenize(const char32_t* word, std::size_t length, std::vector<SubwordPiece>& out) const;

 private:
  Vocab vocab_;
  WordPieceOptions options_;
  std::int32_t unk_id_ = -1;
  std::size_t max_token_bytes_ = 0;  // longest vocabulary entry, bounds the search
};

}  // namespace frugal
