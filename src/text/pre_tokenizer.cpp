#include "text/pre_tokenizer.h"

#include "text/unicode_props.h"

namespace frugal {

void pre_tokenize_bert(const char32_t* text, std::size_t length, std::vector<WordSpan>& out) {
  std::size_t start = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < length; ++i) {
    const char32_t c = text[i];
    if (unicode::is_white_space(c)) {
      if (in_word) out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i)});
      in_word = false;
    } else if (unicode::is_bert_punctuation(c)) {
      if (in_word) out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i)});
      out.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1)});
      in_word = false;
    } else if (!in_word) {
      start = i;
      in_word = true;
    }
  }
  if (in_word) out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(length)});
}

namespace {

enum CharClass : std::uint8_t { kLetter, kNumber, kSpace, kOther };

CharClass classify(char32_t c) {
  if (c < 0x80) {
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return kLetter;
    if (c >= '0' && c <= '9') return kNumber;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return kSpace;
    return kOther;
  }
  if (unicode::is_white_space(c)) return kSpace;
  if (unicode::is_letter(c)) return kLetter;
  if (unicode::is_number(c)) return kNumber;
  return kOther;
}

// Length of a contraction ('s 't 're 've 'm 'll 'd) starting at i, or 0.
std::size_t contraction(const char32_t* t, std::size_t i, std::size_t n) {
  if (t[i] != '\'' || i + 1 >= n) return 0;
  const char32_t a = t[i + 1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 < n) {
    const char32_t b = t[i + 2];
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  }
  return 0;
}

}  // namespace

void pre_tokenize_gpt2(const char32_t* text, std::size_t n, std::vector<WordSpan>& out) {
  thread_local std::vector<CharClass> classes;
  classes.resize(n);
  for (std::size_t i = 0; i < n; ++i) classes[i] = classify(text[i]);
  auto emit = [&](std::size_t b, std::size_t e) {
    out.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
  };
  std::size_t i = 0;
  while (i < n) {
    if (const auto len = contraction(text, i, n)) {
      emit(i, i + len);
      i += len;
      continue;
    }
    // " ?X+" for X in letters, numbers, others: an optional literal space, then a run.
    std::size_t j = i;
    if (text[i] == ' ' && i + 1 < n && classes[i + 1] != kSpace) j = i + 1;
    const CharClass cls = classes[j];
    if (cls != kSpace) {
      std::size_t k = j + 1;
      while (k < n && classes[k] == cls) ++k;
      emit(i, k);
      i = k;
      continue;
    }
    // Whitespace: \s+(?!\S) keeps the last space for the next word, then \s+.
    std::size_t k = i;
    while (k < n && classes[k] == kSpace) ++k;
    if (k < n && k - i >= 2) k -= 1;
    emit(i, k);
    i = k;
  }
}

}  // namespace frugal
