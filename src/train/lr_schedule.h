#pragma once
// Learning rate by optimizer step: linear warm-up from 0, then linear decay to 0, cosine decay
// to 0, or constant (HF's get_linear/cosine/constant_schedule_with_warmup), or warm-up, stable,
// decay ("wsd": the peak until a final linear cooldown over the last `cooldown` fraction of the
// steps; Hägele et al. 2024 find it matches cosine). Under wsd every rate before the cooldown is
// the peak whatever the total, so a run's length can be decided late (train_planned).
#include <cstdint>
#include <string>

namespace frugal {

struct LrSchedule {
  double peak = 1e-4;
  std::uint64_t warmup_steps = 0;
  std::uint64_t total_steps = 1;
  std::string decay = "linear";  // linear | cosine | constant | wsd
  double cooldown = 0.2;         // wsd: the final decay's share of total_steps

  double at(std::uint64_t step) const;  // lr for the update that follows `step` completed updates
  // wsd: the cooldown's updates, round(cooldown x total) but not into the warm-up; others 0.
  std::uint64_t cooldown_steps() const;
  // How many first updates have learning rates that do not depend on total_steps (the same
  // warm-up given): the warm-up (linear, cosine), all but the cooldown (wsd), all (constant).
  std::uint64_t steps_independent_of_total() const;
  static void check_decay(const std::string& name);  // InputError for an unknown name
};

}  // namespace frugal
