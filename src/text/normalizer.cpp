#include "text/normalizer.h"

#include <algorithm>

#include "text/unicode_props.h"
#include "text/utf8.h"

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
  char32_t decomposed[8];
  char32_t lowered[2];
  for (std::size_t i = 0; i < in.size(); ++i) {
    char32_t c = in.chars[i];
    const auto b = in.begin[i], e = in.end[i];
    if (options_.clean_text) {
      if (c == 0 || c == 0xFFFD || unicode::is_bert_control(c)) continue;
      if (unicode::is_bert_whitespace(c)) c = ' ';
    }
    const bool chinese = options_.handle_chinese_chars && unicode::is_chinese_char(c);
    if (chinese) out.push(' ', b, e);
    std::size_t n = 1;
    decomposed[0] = c;
    if (strip) n = unicode::decompose_canonical(c, decomposed);
    const std::size_t mark_start = out.size();
    for (std::size_t k = 0; k < n; ++k) {
      char32_t d = decomposed[k];
      if (strip && unicode::is_mark_nonspacing(d)) continue;
      if (options_.lowercase) {
        const auto m = unicode::to_lower_full(d, lowered);
        for (std::size_t j = 0; j < m; ++j) out.push(lowered[j], b, e);
      } else {
        out.push(d, b, e);
      }
    }
    (void)mark_start;
    if (chinese) out.push(' ', b, e);
  }
}

}  // namespace frugal
