#pragma once
// Normalized text with alignments, and HF's BertNormalizer. Every normalized code point
// remembers the byte range of the original text it came from, so token offsets always
// point into the user's original string.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

struct NormalizedText {
  std::u32string chars;
  std::vector<std::uint32_t> begin;  // original byte offset where chars[i] comes from
  std::vector<std::uint32_t> end;    // ... and where that original stretch ends

  void clear() {
    chars.clear();
    begin.clear();
    end.clear();
  }
  void push(char32_t c, std::uint32_t b, std::uint32_t e) {
    chars.push_back(c);
    begin.push_back(b);
    end.push_back(e);
  }
  std::size_t size() const { return chars.size(); }
};

// Decodes valid UTF-8 text[from, to) into out, each code point aligned to its own bytes.
void load_normalized(std::string_view text, std::size_t from, std::size_t to, NormalizedText& out);

struct BertNormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  int strip_accents = -1;  // -1: same as lowercase (HF's None), 0: no, 1: yes
  bool lowercase = true;
};

class BertNormalizer {
 public:
  explicit BertNormalizer(BertNormalizerOptions options = {}) : options_(options) {}
  const BertNormalizerOptions& options() const { return options_; }
  // in and out must differ; out is overwritten.
  void normalize(const NormalizedText& in, NormalizedText& out) const;

 private:
  BertNormalizerOptions options_;
};

}  // namespace frugal
