#pragma once
// Pre-tokenizers: where a text splits into words before the subword model runs.
//   Bert:      split on whitespace (dropped) and punctuation (each a word), as HF's
//              BertPreTokenizer.
//   ByteLevel: GPT-2's pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//              implemented directly (no regex engine), as HF's ByteLevel pre-tokenizer.
#include <cstdint>
#include <vector>

namespace frugal {

struct WordSpan {
  std::uint32_t begin, end;  // code point indices
};

void pre_tokenize_bert(const char32_t* text, std::size_t length, std::vector<WordSpan>& out);
void pre_tokenize_gpt2(const char32_t* text, std::size_t length, std::vector<WordSpan>& out);

}  // namespace frugal
