#include "text/python_unicode.h"

#include <gtest/gtest.h>

namespace frugal {

// Expected values are what CPython 3.11 returns.
TEST(PythonUnicode, LowerFollowsStrLower) {
  EXPECT_EQ(py::lower("HeLLo"), "hello");
  EXPECT_EQ(py::lower("\xc4\xb0stanbul"), "i\xcc\x87stanbul");         // 'İstanbul'.lower()
  EXPECT_EQ(py::lower("\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95\xce\xa5\xce\xa3"),
            "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x85\xcf\x82");  // ΟΔΥΣΣΕΥΣ -> οδυσσευς
  EXPECT_EQ(py::lower("\xce\xa3"), "\xcf\x83");                        // lone Σ -> σ
  EXPECT_EQ(py::lower("\xce\x91\xce\xa3."), "\xce\xb1\xcf\x82.");      // 'ΑΣ.' -> 'ας.'
  EXPECT_EQ(py::lower("\xce\x91\xce\xa3'\xce\x91"), "\xce\xb1\xcf\x83'\xce\xb1");  // "ΑΣ'Α": not final
  EXPECT_EQ(py::lower("\xe2\x84\xaa"), "k");                           // Kelvin sign
  EXPECT_EQ(py::lower("\xe1\xba\x9e"), "\xc3\x9f");                    // ẞ -> ß
  EXPECT_EQ(py::lower("\xc7\x85"), "\xc7\x86");                        // ǅ -> ǆ
  EXPECT_EQ(py::lower("\xe2\x85\xa7"), "\xe2\x85\xb7");                // Ⅷ -> ⅷ
  EXPECT_EQ(py::lower("\xef\xac\x81"), "\xef\xac\x81");                // ﬁ unchanged
}

TEST(PythonUnicode, WhitespaceIsPythonsSet) {
  for (char32_t c : {U'\t', U'\n', U'\v', U'\f', U'\r', U'\x1c', U'\x1f', U' ', U'\x85', U'\xa0', U'\u1680',
                     U'\u2000', U'\u200a', U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000'}) {
    EXPECT_TRUE(py::is_space(c)) << static_cast<unsigned>(c);
  }
  for (char32_t c : {U'\u200b', U'\ufeff', U'\u180e', U'a', U'\u00ad'}) EXPECT_FALSE(py::is_space(c));
  const auto fields = py::split_whitespace(U"\u3000a\u00a0\u00a0b\u200bc \n");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0], U"a");
  EXPECT_EQ(fields[1], U"b\u200bc");
}

TEST(PythonUnicode, WordCharactersAreAlnumOrUnderscore) {
  for (char32_t c : {U'a', U'Z', U'0', U'_', U'\u00e9', U'\u0661', U'\u00b2', U'\u2167', U'\u4e2d', U'\u02b0'}) {
    EXPECT_TRUE(py::is_word_char(c)) << static_cast<unsigned>(c);
  }
  for (char32_t c : {U' ', U'-', U'\u0301', U'\u2019', U'\U0001F600', U'\u00a0'}) {
    EXPECT_FALSE(py::is_word_char(c)) << static_cast<unsigned>(c);
  }
}

}  // namespace frugal
