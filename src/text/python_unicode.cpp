#include "text/python_unicode.h"

#include <utf8proc.h>

#include "core/utf8.h"

namespace frugal::py {
namespace {

utf8proc_category_t category(char32_t cp) { return utf8proc_category(static_cast<utf8proc_int32_t>(cp)); }

}  // namespace

bool is_space(char32_t cp) {
  // Python 3.11 Objects/unicodetype_db.h, _PyUnicode_IsWhitespace.
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
    case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool is_word_char(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
  }
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool is_cased(char32_t cp) {
  // Cased = Lowercase or Uppercase or Lt. Other_Lowercase/Other_Uppercase letters such as
  // the Roman numerals and circled letters carry case mappings, which catches them.
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
      return true;
    default: {
      const auto c = static_cast<utf8proc_int32_t>(cp);
      return utf8proc_tolower(c) != c || utf8proc_toupper(c) != c;
    }
  }
}

bool is_case_ignorable(char32_t cp) {
  // Case_Ignorable = Mn | Me | Cf | Lm | Sk | Word_Break in {MidLetter, MidNumLet, Single_Quote}.
  switch (cp) {
    case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52:
    case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      break;
  }
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      return false;
  }
}

static char32_t lower_sigma(std::u32string_view s, std::size_t i) {
  // CPython's handle_capital_sigma: final form when preceded by a cased letter (skipping
  // case-ignorables) and not followed by one.
  std::size_t j = i;
  char32_t c = 0;
  bool found_before = false;
  while (j > 0) {
    c = s[--j];
    if (!is_case_ignorable(c)) {
      found_before = true;
      break;
    }
  }
  bool final_sigma = found_before && is_cased(c);
  if (final_sigma) {
    for (j = i + 1; j < s.size(); ++j) {
      if (!is_case_ignorable(s[j])) break;
    }
    final_sigma = j == s.size() || !is_cased(s[j]);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

std::u32string lower(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t cp = s[i];
    if (cp < 0x80) {
      out.push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else if (cp == 0x130) {  // the only unconditional multi-character lowercase mapping
      out.push_back('i');
      out.push_back(0x307);
    } else if (cp == 0x3A3) {
      out.push_back(lower_sigma(s, i));
    } else {
      out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
    }
  }
  return out;
}

std::string lower(std::string_view utf8) { return encode_utf8(lower(decode_utf8(utf8))); }

std::vector<std::u32string_view> split_whitespace(std::u32string_view s) {
  std::vector<std::u32string_view> fields;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) fields.push_back(s.substr(start, i - start));
  }
  return fields;
}

}  // namespace frugal::py
