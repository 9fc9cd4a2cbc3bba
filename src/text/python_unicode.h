#pragma once
// Python 3 string semantics that reference scripts rely on (the official SQuAD evaluation
// among them), so frugal reproduces their results exactly:
//   str.lower()  full lowercase mapping: U+0130 -> "i\u0307", and the Final_Sigma rule;
//   str.split()  on Python's whitespace set (which differs from Unicode White_Space);
//   re's \w      for str patterns: alphanumeric (categories L*, N*) or '_'.
// Character properties come from utf8proc (Unicode 15); Python 3.11 uses Unicode 14, so
// characters assigned in Unicode 15 may differ. Cased/Case_Ignorable for Final_Sigma are
// derived from general categories and case mappings (see python_unicode.cpp).
#include <string>
#include <string_view>
#include <vector>

namespace frugal::py {

bool is_space(char32_t cp);
bool is_word_char(char32_t cp);
bool is_cased(char32_t cp);
bool is_case_ignorable(char32_t cp);

std::u32string lower(std::u32string_view s);
std::string lower(std::string_view utf8);

// Fields of s.split() with no separator: runs of non-whitespace.
std::vector<std::u32string_view> split_whitespace(std::u32string_view s);

}  // namespace frugal::py
