#include "text/unicode_props.h"

#include <utf8proc.h>

namespace frugal::unicode {
namespace {

struct CodePointRange {
  char32_t first, last;
};

#include "text/unicode_tables.inc"

// Letters and digits of Unicode 15.1 and 16.0, which utf8proc 2.8 (Unicode 15.0) does not
// know yet and HF's pre-tokenizer regex (Oniguruma, Unicode 16) counts as \p{L} / \p{N}.
constexpr CodePointRange kLettersAfterUnicode15[] = {
    {0x1C89, 0x1C8A},   {0xA7CB, 0xA7CD},   {0xA7DA, 0xA7DC},   {0x105C0, 0x105F3}, {0x10D4A, 0x10D65},
    {0x10D6F, 0x10D85}, {0x10EC2, 0x10EC4}, {0x11380, 0x11389}, {0x1138B, 0x1138B}, {0x1138E, 0x1138E},
    {0x11390, 0x113B5}, {0x113B7, 0x113B7}, {0x113D1, 0x113D1}, {0x113D3, 0x113D3}, {0x11BC0, 0x11BE0},
    {0x13460, 0x143FA}, {0x16100, 0x1611D}, {0x16D40, 0x16D6C}, {0x18CFF, 0x18CFF}, {0x1E5D0, 0x1E5ED},
    {0x1E5F0, 0x1E5F0}, {0x2EBF0, 0x2EE5D}};
constexpr CodePointRange kNumbersAfterUnicode15[] = {{0x10D40, 0x10D49}, {0x116D0, 0x116E3}, {0x11BF0, 0x11BF9},
                                                     {0x16130, 0x16139}, {0x16D70, 0x16D79}, {0x1CCF0, 0x1CCF9},
                                                     {0x1E5F1, 0x1E5FA}};

template <std::size_t N>
bool in_ranges(const CodePointRange (&ranges)[N], char32_t c) {
  std::size_t lo = 0, hi = N;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (ranges[mid].last < c) {
      lo = mid + 1;
    } else if (ranges[mid].first > c) {
      hi = mid;
    } else {
      return true;
    }
  }
  return false;
}

utf8proc_category_t category(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)); }

// General_Category as HF's unicode_categories crate has it: Unicode 8.0. Characters of P*,
// Mn, Cf assigned later are unassigned there; a few changed category since.
utf8proc_category_t category_unicode8(char32_t c) {
  switch (c) {  // General_Category changes since Unicode 8.0, found by the all-code-point comparison
    case 0x111C9: return UTF8PROC_CATEGORY_PO;  // SHARADA SANDHI MARK
    case 0x166D: return UTF8PROC_CATEGORY_PO;   // CANADIAN SYLLABICS CHI SIGN
    case 0x1734: return UTF8PROC_CATEGORY_MN;   // HANUNOO SIGN PAMUDPOD
    case 0x1885: case 0x1886: return UTF8PROC_CATEGORY_LO;  // MONGOLIAN LETTER ALI GALI (THREE) BALUDA
    case 0xA9BD: return UTF8PROC_CATEGORY_MC;   // JAVANESE CONSONANT SIGN KERET
    default: break;
  }
  const auto g = category(c);
  if (g == UTF8PROC_CATEGORY_CN) return g;
  if ((g >= UTF8PROC_CATEGORY_PC && g <= UTF8PROC_CATEGORY_PO) || g == UTF8PROC_CATEGORY_MN ||
      g == UTF8PROC_CATEGORY_CF) {
    if (in_ranges(kPunctMarkFormatAfterUnicode8, c)) return UTF8PROC_CATEGORY_CN;
  }
  return g;
}

}  // namespace

bool is_white_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_bert_whitespace(char32_t c) { return is_white_space(c); }

bool is_bert_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  // HF's is_other: Cc, Cf, Cs, Co (its Cn table is empty, so unassigned code points stay).
  switch (category_unicode8(c)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

bool is_bert_punctuation(char32_t c) {
  if (c < 0x80) return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
  switch (category_unicode8(c)) {
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_mark_nonspacing(char32_t c) { return c >= 0x300 && category_unicode8(c) == UTF8PROC_CATEGORY_MN; }

bool is_letter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    case UTF8PROC_CATEGORY_CN:
      return in_ranges(kLettersAfterUnicode15, c);
    default:
      return false;
  }
}

bool is_number(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  switch (category(c)) {
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    case UTF8PROC_CATEGORY_CN:
      return in_ranges(kNumbersAfterUnicode15, c);
    default:
      return false;
  }
}

std::size_t decompose_canonical(char32_t c, char32_t* out) {
  if (c < 0xC0 || in_ranges(kDecomposableAfterUnicode8, c)) {
    out[0] = c;
    return 1;
  }
  utf8proc_int32_t buffer[8];
  int last_boundclass = 0;
  const auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buffer, 8, UTF8PROC_DECOMPOSE, &last_boundclass);
  if (n <= 0 || n > 8) {
    out[0] = c;
    return 1;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) out[i] = static_cast<char32_t>(buffer[i]);
  return static_cast<std::size_t>(n);
}

std::size_t to_lower_full(char32_t c, char32_t* out) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  if (c == 0x130) {  // the only unconditional multi-code-point lowercase mapping
    out[0] = 'i';
    out[1] = 0x307;
    return 2;
  }
  // Case pairs newer than utf8proc's Unicode 15.0 that Rust's std (HF) already maps.
  if (c >= 0x10D50 && c <= 0x10D65) {
    out[0] = c + 0x20;  // Garay
    return 1;
  }
  if (c >= 0x16EA0 && c <= 0x16EB8) {
    out[0] = c + 0x1B;  // Beria Erfe
    return 1;
  }
  switch (c) {
    case 0x1C89: out[0] = 0x1C8A; return 1;
    case 0xA7CB: out[0] = 0x0264; return 1;
    case 0xA7CC: out[0] = 0xA7CD; return 1;
    case 0xA7CE: out[0] = 0xA7CF; return 1;
    case 0xA7D2: out[0] = 0xA7D3; return 1;
    case 0xA7D4: out[0] = 0xA7D5; return 1;
    case 0xA7DA: out[0] = 0xA7DB; return 1;
    case 0xA7DC: out[0] = 0x019B; return 1;
    default: break;
  }
  out[0] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
  return 1;
}

int combining_class(char32_t c) {
  return c < 0x300 ? 0 : utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class;
}

}  // namespace frugal::unicode
