#include "core/utf8.h"

#include <simdjson.h>
#include <utf8proc.h>

#include <stdexcept>

namespace frugal {

std::size_t find_invalid_utf8(std::string_view s) {
  // Fast path: simdjson's SIMD validator; only invalid text pays for the scalar scan.
  if (simdjson::validate_utf8(s.data(), s.size())) return kValidUtf8;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return i;
    i += static_cast<std::size_t>(n);
  }
  return kValidUtf8;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      out.push_back(0xFFFD);
      ++i;
    } else {
      out.push_back(static_cast<char32_t>(cp));
      i += static_cast<std::size_t>(n);
    }
  }
  return out;
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) append_utf8(out, cp);
  return out;
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string replace_invalid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  // Each maximal subpart of an ill-formed sequence becomes one U+FFFD (Unicode's
  // recommended practice, as Python's and Rust's lossy decoders do).
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    std::size_t j = i + 1;
    std::size_t got = 0;
    while (got < need && j < s.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < (got == 0 ? lo : 0x80) || c > (got == 0 ? hi : 0xBF)) break;
      ++j;
      ++got;
    }
    if (need > 0 && got == need) {
      out.append(s.substr(i, j - i));
    } else {
      out += "\xef\xbf\xbd";
    }
    i = j;
  }
  return out;
}

CodePointIndex::CodePointIndex(std::string_view text) : bytes_(text.size()) {
  if (text.size() > UINT32_MAX) throw std::length_error("CodePointIndex: text over 4 GiB");
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    code_points_ = text.size();
    return;
  }
  starts_.reserve(text.size() + 1);
  owner_.resize(text.size() + 1);
  for (std::size_t b = 0; b < text.size(); ++b) {
    if ((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80) starts_.push_back(static_cast<std::uint32_t>(b));
    owner_[b] = static_cast<std::uint32_t>(starts_.size() - 1);
  }
  code_points_ = starts_.size();
  starts_.push_back(static_cast<std::uint32_t>(text.size()));
  owner_[text.size()] = static_cast<std::uint32_t>(code_points_);
}

std::size_t CodePointIndex::byte_offset(std::size_t cp) const {
  if (cp > code_points_) {
    throw std::out_of_range("code point offset " + std::to_string(cp) + " beyond " + std::to_string(code_points_));
  }
  return starts_.empty() ? cp : starts_[cp];
}

std::size_t CodePointIndex::code_point_at(std::size_t byte) const {
  if (byte > bytes_) throw std::out_of_range("byte offset " + std::to_string(byte) + " beyond " + std::to_string(bytes_));
  return owner_.empty() ? byte : owner_[byte];
}

bool CodePointIndex::is_boundary(std::size_t byte) const {
  return byte <= bytes_ && (starts_.empty() || starts_[code_point_at(byte)] == byte || byte == bytes_);
}

std::string_view CodePointIndex::slice(std::string_view text, std::size_t begin, std::size_t end) const {
  if (begin > end) throw std::out_of_range("slice: begin after end");
  const auto b = byte_offset(begin);
  return text.substr(b, byte_offset(end) - b);
}

}  // namespace frugal
