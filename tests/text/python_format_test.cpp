#include "text/python_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace frugal {

TEST(PythonFormat, FloatReprMatchesCPython) {
  // Left: a double; right: repr() of the same value in CPython.
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {100.0, "100.0"},
      {0.1, "0.1"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e-05, "1e-05"},
      {0.0001, "0.0001"},
      {1.5e-10, "1.5e-10"},
      {1e16, "1e+16"},
      {1e15, "1000000000000000.0"},
      {9999999999999998.0, "9999999999999998.0"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {-2.5e-7, "-2.5e-07"},
      {81.18259224219489, "81.18259224219489"},
      {100.0 * 2 / 3, "66.66666666666667"},
      {std::numeric_limits<double>::infinity(), "Infinity"},
      {-std::numeric_limits<double>::infinity(), "-Infinity"},
      {std::nan(""), "NaN"},
  };
  for (const auto& [value, expected] : cases) EXPECT_EQ(py::float_repr(value), expected);
}

TEST(PythonFormat, JsonDumpsLayouts) {
  const py::JsonNumberObject object = {{"exact", 50.0}, {"total", std::int64_t{3}}};
  EXPECT_EQ(py::json_dumps(object), "{\"exact\": 50.0, \"total\": 3}");
  EXPECT_EQ(py::json_dumps(object, 2), "{\n  \"exact\": 50.0,\n  \"total\": 3\n}");
  EXPECT_EQ(py::json_dumps({}), "{}");
}

}  // namespace frugal
