#include "core/utf8.h"

#include <gtest/gtest.h>

namespace frugal {

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), kValidUtf8);
  EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), kValidUtf8);
  EXPECT_EQ(find_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);                 // truncated
  EXPECT_EQ(find_invalid_utf8("x\xc0\xaf"), 1u);              // overlong '/'
  EXPECT_EQ(find_invalid_utf8("xy\xed\xa0\x80"), 2u);         // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);       // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xe2\x82"), 0u);
  EXPECT_FALSE(is_valid_utf8("\x80"));
}

TEST(Utf8, DecodeEncodeRoundTrip) {
  const std::string s = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80";  // a é 中 😀
  const auto cps = decode_utf8(s);
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[1], U'\u00e9');
  EXPECT_EQ(cps[3], U'\U0001F600');
  EXPECT_EQ(encode_utf8(cps), s);
  EXPECT_EQ(count_code_points(s), 4u);
  EXPECT_EQ(replace_invalid_utf8("a\xffz"), "a\xef\xbf\xbdz");
}

TEST(CodePointIndex, MapsBothWays) {
  const std::string s = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80z";  // a é 中 😀 z
  const CodePointIndex index(s);
  EXPECT_EQ(index.size(), 5u);
  const std::size_t bytes[] = {0, 1, 3, 6, 10, 11};
  for (std::size_t cp = 0; cp <= 5; ++cp) EXPECT_EQ(index.byte_offset(cp), bytes[cp]) << cp;
  EXPECT_EQ(index.code_point_at(0), 0u);
  EXPECT_EQ(index.code_point_at(2), 1u);  // inside é
  EXPECT_EQ(index.code_point_at(8), 3u);  // inside 😀
  EXPECT_EQ(index.code_point_at(11), 5u);
  EXPECT_TRUE(index.is_boundary(3));
  EXPECT_FALSE(index.is_boundary(4));
  EXPECT_EQ(index.slice(s, 1, 3), "\xc3\xa9\xe4\xb8\xad");
  EXPECT_THROW(index.byte_offset(6), std::out_of_range);
  EXPECT_THROW(index.code_point_at(12), std::out_of_range);
}

TEST(CodePointIndex, AsciiNeedsNoTable) {
  const CodePointIndex index("hello");
  EXPECT_EQ(index.size(), 5u);
  EXPECT_EQ(index.byte_offset(3), 3u);
  EXPECT_EQ(index.code_point_at(5), 5u);
  EXPECT_EQ(index.slice("hello", 1, 4), "ell");
}

}  // namespace frugal
