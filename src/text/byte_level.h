#pragma once
// GPT-2's byte-level alphabet: every byte maps to one printable code point (bytes_to_unicode),
// so BPE runs over text without spaces or control characters and decodes back exactly.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace frugal {

class ByteLevelAlphabet {
 public:
  static const ByteLevelAlphabet& get();
  char32_t char_of(std::uint8_t byte) const { return chars_[byte]; }
  const std::string& utf8_of(std::uint8_t byte) const { return utf8_[byte]; }
  // -1 when the code point is not in the alphabet.
  int byte_of(char32_t c) const { return c < reverse_.size() ? reverse_[c] : -1; }
  // Bytes -> alphabet text (UTF-8).
  std::string encode(std::string_view bytes) const;
  // Alphabet text -> bytes; code points outside the alphabet are kept as their UTF-8.
  std::string decode(std::string_view text) const;

 private:
  ByteLevelAlphabet();
  std::array<char32_t, 256> chars_{};
  std::array<std::string, 256> utf8_{};
  std::array<int, 324> reverse_{};
};

}  // namespace frugal
