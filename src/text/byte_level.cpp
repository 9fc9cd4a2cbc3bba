#include "text/byte_level.h"

#include "core/utf8.h"

namespace frugal {

const ByteLevelAlphabet& ByteLevelAlphabet::get() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
  reverse_.fill(-1);
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const char32_t c = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(next++);
    chars_[static_cast<std::size_t>(b)] = c;
    append_utf8(utf8_[static_cast<std::size_t>(b)], c);
    reverse_[c] = b;
  }
}

std::string ByteLevelAlphabet::encode(std::string_view bytes) const {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char b : bytes) out += utf8_[static_cast<std::uint8_t>(b)];
  return out;
}

std::string ByteLevelAlphabet::decode(std::string_view text) const {
  std::string out;
  for (char32_t c : decode_utf8(text)) {
    const int b = byte_of(c);
    if (b >= 0) {
      out.push_back(static_cast<char>(b));
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

}  // namespace frugal
