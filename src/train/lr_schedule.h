#pragma once
// Learning rate by optimizer step: linear warm-up from 0, then linear decay to 0, cosine decay
// to 0, or constant (HF's get_linear/cosine/constant_schedule_with_warmup).
#include <cstdint>
#include <string>

namespace frugal {

struct LrSchedule {
  double peak = 1e-4;
  std::uint64_t warmup_steps = 0;
  std::uint64_t total_steps = 1;
  std::string decay = "linear";  // linear | cosine | constant

  double at(std::uint64_t step) const;  // lr for the update that follows `step` completed updates
  static void check_decay(const std::string& name);  // InputError for an unknown name
};

}  // namespace frugal
