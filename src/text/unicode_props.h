#pragma once
// Character classes the HuggingFace tokenizers use, for exact compatibility:
// BERT's whitespace / control / punctuation / CJK tests, nonspacing marks for accent
// stripping, the letter / number / White_Space classes of the GPT-2 pre-tokenizer regex,
// canonical decomposition and full lowercase mapping. Properties come from utf8proc; where
// HF's tables are older than utf8proc's (HF's "other" and "mark" classes come from the
// unicode_categories crate), the difference is patched here and tested code point by code
// point against HF in tests/text/compare_tokenizers.
#include <cstddef>
#include <cstdint>

namespace frugal::unicode {

bool is_white_space(char32_t c);       // Unicode White_Space (Rust char::is_whitespace)
bool is_bert_whitespace(char32_t c);    // the above (BERT also names \t \n \r)
bool is_bert_control(char32_t c);       // Cc Cf Cs Co Cn, except \t \n \r
bool is_bert_punctuation(char32_t c);   // ASCII punctuation or Unicode P*
bool is_chinese_char(char32_t c);       // the CJK blocks of BERT's tokenizer
bool is_mark_nonspacing(char32_t c);    // Mn
bool is_letter(char32_t c);             // \p{L}
bool is_number(char32_t c);             // \p{N}

// Canonical (NFD) decomposition of one code point into out (capacity >= 8); returns the
// count. Reordering of combining marks across code points is the caller's business.
std::size_t decompose_canonical(char32_t c, char32_t* out);
// Full lowercase mapping of one code point (Rust char::to_lowercase): 1 or 2 code points.
std::size_t to_lower_full(char32_t c, char32_t* out);
// Canonical combining class (for NFD reordering).
int combining_class(char32_t c);

}  // namespace frugal::unicode
