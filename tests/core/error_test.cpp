#include "core/error.h"

#include <gtest/gtest.h>

namespace frugal {

TEST(InputError, LocationFormats) {
  EXPECT_EQ(InputError(InputLocation{"a.json", 3, 7}, "bad").what(), std::string("a.json:3:7: bad"));
  EXPECT_EQ(InputError(InputLocation{"a.json"}, "bad").what(), std::string("a.json: bad"));
  EXPECT_EQ(InputError(InputLocation{"a.json", 0, 0, "data[2].id"}, "bad").what(), std::string("a.json: data[2].id: bad"));
  EXPECT_EQ(InputError("plain").what(), std::string("plain"));
}

TEST(InputError, LocateOffsetCountsLinesAndColumns) {
  const std::string text = "ab\ncde\n\nf";
  const auto at = [&](std::size_t offset) {
    const auto loc = locate_offset(text, offset);
    return std::to_string(loc.line) + ":" + std::to_string(loc.column);
  };
  EXPECT_EQ(at(0), "1:1");
  EXPECT_EQ(at(2), "1:3");
  EXPECT_EQ(at(3), "2:1");
  EXPECT_EQ(at(5), "2:3");
  EXPECT_EQ(at(7), "3:1");
  EXPECT_EQ(at(8), "4:1");
  EXPECT_EQ(at(100), "4:2");  // clamped to the end
}

}  // namespace frugal
