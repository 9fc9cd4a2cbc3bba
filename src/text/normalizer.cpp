#include "text/normalizer.h"

#include <algorithm>

#include "text/unicode_props.h"
#include "core/utf8.h"

namespace frugal {

void load_normalized(std::string_view text, std::size_t from, std::size_t to, NormalizedText& out) {
  out.clear();
  std::size_t i = from;
  while (i < to) {
    const auto c0 = static_cast<unsigned char>(text[i]);
    std::size_t n = c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
    char32_t cp;
    switch (n) {
      case 1: cp = c0; break;
      case 2: cp = ((c0 & 0x1F) << 6) | (text[i + 1] & 0x3F); break;
      case 3: cp = ((c0 & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F); break;
      default:
        cp = ((c0 & 0x07) << 18) | ((text[i + 1] & 0x3F) << 12) | ((text[i + 2] & 0x3F) << 6) | (text[i + 3] & 0x3F);
    }
    out.push(cp, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + n));
    i += n;
  }
}

void BertNormalizer::normalize(const NormalizedText& in, NormalizedText& out) const {
  out.clear();
  const bool strip = options_.strip_accents < 0 ? options_.lowercase : options_.strip_accents == 1;
  thread_local NormalizedText decomposed;
  decomposed.clear();
  char32_t parts[8];
  // 1. clean text, pad CJK, and (when stripping accents) decompose to NFD.
  for (std::size_t i = 0; i < in.size(); ++i) {
    char32_t c = in.chars[i];
    const auto b = in.begin[i], e = in.end[i];
    if (c < 0x80) {
      // ASCII fast path: no CJK, no decomposition, no marks; the same decisions as below.
      if (options_.clean_text) {
        if (c == '\t' || c == '\n' || c == '\r') {
          c = ' ';
        } else if (c < 0x20 || c == 0x7F) {
          continue;  // NUL and the other C0 controls, DEL
        }
      }
      decomposed.push(c, b, e);
      continue;
    }
    if (options_.clean_text) {
      if (c == 0 || c == 0xFFFD || unicode::is_bert_control(c)) continue;
      if (unicode::is_bert_whitespace(c)) c = ' ';
    }
    const bool chinese = options_.handle_chinese_chars && unicode::is_chinese_char(c);
    if (chinese) decomposed.push(' ', b, e);
    const std::size_t n = strip ? unicode::decompose_canonical(c, parts) : (parts[0] = c, 1);
    for (std::size_t k = 0; k < n; ++k) decomposed.push(parts[k], b, e);
    if (chinese) decomposed.push(' ', b, e);
  }
  // 2. NFD's canonical ordering: combining marks in each run sorted by combining class.
  // The characters move; the alignments stay where they were, as in HF's NormalizedString.
  if (strip) {
    std::size_t i = 0;
    while (i < decomposed.size()) {
      if (unicode::combining_class(decomposed.chars[i]) == 0) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < decomposed.size() && unicode::combining_class(decomposed.chars[j]) != 0) ++j;
      if (j - i > 1) {
        std::stable_sort(decomposed.chars.begin() + static_cast<std::ptrdiff_t>(i),
                         decomposed.chars.begin() + static_cast<std::ptrdiff_t>(j),
                         [](char32_t a, char32_t b) { return unicode::combining_class(a) < unicode::combining_class(b); });
      }
      i = j;
    }
  }
  // 3. drop nonspacing marks, lowercase.
  char32_t lowered[2];
  for (std::size_t i = 0; i < decomposed.size(); ++i) {
    const char32_t d = decomposed.chars[i];
    const auto b = decomposed.begin[i], e = decomposed.end[i];
    if (d < 0x80) {  // ASCII, also from decompositions such as É -> E + U+0301
      out.push(options_.lowercase && d >= 'A' && d <= 'Z' ? d + 32 : d, b, e);
      continue;
    }
    if (strip && unicode::is_mark_nonspacing(d)) continue;
    if (options_.lowercase) {
      const auto m = unicode::to_lower_full(d, lowered);
      for (std::size_t j = 0; j < m; ++j) out.push(lowered[j], b, e);
    } else {
      out.push(d, b, e);
    }
  }
}

}  // namespace frugal
