#include "core/json_input.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace frugal {
namespace {

std::string error_of(const std::string& text, std::uint64_t line = 0) {
  simdjson::dom::parser parser;
  try {
    parse_json_text(parser, text, "f.json", line);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(JsonInput, ByteOrderMarkIsSkippedAsTheStreamingReadersDo) {
  simdjson::dom::parser parser;
  const auto doc = parse_json_text(parser, "\xEF\xBB\xBF{\"a\": 1}", "f.json");
  std::int64_t a = 0;
  ASSERT_EQ(doc["a"].get(a), simdjson::SUCCESS);
  EXPECT_EQ(a, 1);
}

TEST(JsonInput, ErrorsOnlySimdjsonFindsAreLocated) {
  std::string deep = "{\"x\":\n";
  for (int i = 0; i < 1100; ++i) deep += "[";
  for (int i = 0; i < 1100; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(error_of(deep), "f.json:2:1024: JSON nested deeper than 1024 levels");
  EXPECT_EQ(error_of("{\"a\": 1,\n \"b\": 123456789012345678901}"), "f.json:2:7: a number beyond 64-bit integers");
  EXPECT_EQ(error_of("[-9999999999999999999]"), "f.json:1:2: a number beyond 64-bit integers");
  EXPECT_EQ(error_of("[18446744073709551615, \"[[[\"]"), "");  // the largest uint64, brackets in a string
}

TEST(JsonInput, LinesOfAJsonlFileNameTheirLine) {
  EXPECT_EQ(error_of("{\"a\": [1, ]}", 7).rfind("f.json:7:11: malformed JSON", 0), 0u) << error_of("{\"a\": [1, ]}", 7);
  EXPECT_EQ(error_of("{\"a\": \xFF}", 3), "f.json:3:7: invalid UTF-8");
}

}  // namespace frugal
