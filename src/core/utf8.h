#pragma once
// UTF-8 validation, decoding and code-point <-> byte offset mapping. Data sets such as
// SQuAD count offsets in Unicode code points; C++ strings index bytes. Every layer that
// moves between the two (SQuAD I/O, tokenizer offsets, QA span mapping) uses this file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

inline constexpr std::size_t kValidUtf8 = static_cast<std::size_t>(-1);

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and values
// above U+10FFFF are invalid), or kValidUtf8.
std::size_t find_invalid_utf8(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return find_invalid_utf8(s) == kValidUtf8; }

// Decoding of valid UTF-8 (check first: invalid bytes become U+FFFD here).
std::u32string decode_utf8(std::string_view s);
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view s);
std::size_t count_code_points(std::string_view s);
// Valid UTF-8 with each invalid sequence replaced by U+FFFD (the lossy mode of readers).
std::string replace_invalid_utf8(std::string_view s);

// Maps code-point offsets of one string to byte offsets and back, in O(1) per query after
// an O(n) build. ASCII-only text (most of SQuAD) needs no table.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view text);

  std::size_t size() const { return code_points_; }  // number of code points
  std::size_t byte_size() const { return bytes_; }
  // Byte offset where code point cp starts; cp == size() gives byte_size().
  // Throws std::out_of_range beyond that.
  std::size_t byte_offset(std::size_t cp) const;
  // Index of the code point containing byte b; b == byte_size() gives size().
  std::size_t code_point_at(std::size_t byte) const;
  bool is_boundary(std::size_t byte) const;
  // Bytes of the code points [begin, end).
  std::string_view slice(std::string_view text, std::size_t begin, std::size_t end) const;

 private:
  std::size_t bytes_ = 0;
  std::size_t code_points_ = 0;
  std::vector<std::uint32_t> starts_;       // byte offset of each code point (non-ASCII text only)
  std::vector<std::uint32_t> owner_;        // code point index of each byte (non-ASCII text only)
};

}  // namespace frugal
