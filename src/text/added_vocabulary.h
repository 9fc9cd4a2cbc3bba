#pragma once
// Added tokens (special tokens such as [CLS] or <|endoftext|>, and user-added ones): found in
// the text before normalization and pre-tokenization, leftmost-longest, with HF's
// single_word / lstrip / rstrip rules, and kept whole.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool special = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
};

struct TextSegment {
  std::uint32_t begin, end;  // bytes of the input
  std::int32_t token_id;     // -1: ordinary text
};

class AddedVocabulary {
 public:
  void add(AddedToken token);
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool empty() const { return tokens_.empty(); }
  const AddedToken* find(std::string_view content) const;
  const AddedToken* find(std::int32_t id) const;
  bool is_special(std::int32_t id) const;

  // Splits valid UTF-8 text into ordinary segments and added-token segments.
  void split(std::string_view text, std::vector<TextSegment>& out) const;

 private:
  std::vector<AddedToken> tokens_;
};

}  // namespace frugal
