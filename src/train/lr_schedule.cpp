#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace frugal {

double LrSchedule::at(std::uint64_t step) const {
  if (step < warmup_steps) return peak * static_cast<double>(step) / static_cast<double>(std::max<std::uint64_t>(1, warmup_steps));
  if (decay == "constant") return peak;
  if (decay == "wsd") {
    const std::uint64_t tail = cooldown_steps();
    const std::uint64_t start = total_steps - tail;
    if (step < start || tail == 0) return peak;
    return peak * static_cast<double>(total_steps - std::min(total_steps, step)) / static_cast<double>(tail);
  }
  const double span = static_cast<double>(std::max<std::uint64_t>(1, total_steps - std::min(total_steps, warmup_steps)));
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) / span);
  if (decay == "cosine") return peak * 0.5 * (1.0 + std::cos(M_PI * progress));
  return peak * std::max(0.0, 1.0 - progress);
}

std::uint64_t LrSchedule::cooldown_steps() const {
  if (decay != "wsd") return 0;
  const auto wanted = static_cast<std::uint64_t>(std::llround(std::clamp(cooldown, 0.0, 1.0) * static_cast<double>(total_steps)));
  return std::min(wanted, total_steps - std::min(total_steps, warmup_steps));
}

std::uint64_t LrSchedule::steps_independent_of_total() const {
  if (decay == "constant") return total_steps;
  if (decay == "wsd") return total_steps - cooldown_steps();
  return std::min(warmup_steps, total_steps);
}

void LrSchedule::check_decay(const std::string& name) {
  if (name != "linear" && name != "cosine" && name != "constant" && name != "wsd") {
    throw InputError("--schedule must be linear, cosine, constant or wsd, not '" + name + "'");
  }
}

}  // namespace frugal
