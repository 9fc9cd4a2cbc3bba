#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace frugal {

double LrSchedule::at(std::uint64_t step) const {
  if (step < warmup_steps) return peak * static_cast<double>(step) / static_cast<double>(std::max<std::uint64_t>(1, warmup_steps));
  if (decay == "constant") return peak;
  const double span = static_cast<double>(std::max<std::uint64_t>(1, total_steps - std::min(total_steps, warmup_steps)));
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) / span);
  if (decay == "cosine") return peak * 0.5 * (1.0 + std::cos(M_PI * progress));
  return peak * std::max(0.0, 1.0 - progress);
}

void LrSchedule::check_decay(const std::string& name) {
  if (name != "linear" && name != "cosine" && name != "constant") {
    throw InputError("--schedule must be linear, cosine or constant, not '" + name + "'");
  }
}

}  // namespace frugal
