#pragma once
// Small summaries of measured values (benchmark timings).
#include <algorithm>
#include <cstddef>
#include <vector>

namespace frugal {

// The middle value (the upper one of the two middles for an even count); 0 for none.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace frugal
