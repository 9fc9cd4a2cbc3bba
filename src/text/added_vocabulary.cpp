#include "text/added_vocabulary.h"

#include "text/unicode_props.h"
#include "core/utf8.h"

namespace frugal {

void AddedVocabulary::add(AddedToken token) {
  for (auto& t : tokens_) {
    if (t.content == token.content) {
      t = std::move(token);
      return;
    }
  }
  tokens_.push_back(std::move(token));
}

const AddedToken* AddedVocabulary::find(std::string_view content) const {
  for (const auto& t : tokens_) {
    if (t.content == content) return &t;
  }
  return nullptr;
}

const AddedToken* AddedVocabulary::find(std::int32_t id) const {
  for (const auto& t : tokens_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

bool AddedVocabulary::is_special(std::int32_t id) const {
  const auto* t = find(id);
  return t && t->special;
}

namespace {

bool is_word_char(char32_t c) { return c == '_' || unicode::is_letter(c) || unicode::is_number(c); }

char32_t char_before(std::string_view text, std::size_t pos) {
  std::size_t i = pos;
  while (i > 0 && (static_cast<unsigned char>(text[i - 1]) & 0xC0) == 0x80) --i;
  if (i == 0 && pos == 0) return 0;
  const auto cps = decode_utf8(text.substr(i > 0 ? i - 1 : 0, pos - (i > 0 ? i - 1 : 0)));
  return cps.empty() ? 0 : cps.back();
}

char32_t char_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const auto c0 = static_cast<unsigned char>(text[pos]);
  const std::size_t n = c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
  const auto cps = decode_utf8(text.substr(pos, n));
  return cps.empty() ? 0 : cps.front();
}

}  // namespace

void AddedVocabulary::split(std::string_view text, std::vector<TextSegment>& out) const {
  std::size_t emitted = 0;  // end of the last segment written
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Leftmost-longest: at the first position where some token matches, the longest one.
    const AddedToken* best = nullptr;
    for (const auto& t : tokens_) {
      if (t.content.empty() || t.content.size() > text.size() - pos) continue;
      if (text.compare(pos, t.content.size(), t.content) != 0) continue;
      if (!best || t.content.size() > best->content.size()) best = &t;
    }
    if (!best) {
      ++pos;
      continue;
    }
    std::size_t start = pos, stop = pos + best->content.size();
    if (best->single_word) {
      const bool word_before = start > 0 && is_word_char(char_before(text, start));
      const bool word_after = stop < text.size() && is_word_char(char_at(text, stop));
      if (word_before || word_after) {
        pos = stop;  // the matcher resumes after a discarded match
        continue;
      }
    }
    if (best->lstrip) {
      while (start > emitted) {
        std::size_t prev = start - 1;
        while (prev > emitted && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
        if (!unicode::is_white_space(char_at(text, prev))) break;
        start = prev;
      }
    }
    if (best->rstrip) {
      while (stop < text.size() && unicode::is_white_space(char_at(text, stop))) {
        const auto c0 = static_cast<unsigned char>(text[stop]);
        stop += c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
      }
    }
    if (start > emitted) out.push_back({static_cast<std::uint32_t>(emitted), static_cast<std::uint32_t>(start), -1});
    out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(stop), best->id});
    emitted = pos = stop;
  }
  if (emitted < text.size()) {
    out.push_back({static_cast<std::uint32_t>(emitted), static_cast<std::uint32_t>(text.size()), -1});
  }
}

}  // namespace frugal
