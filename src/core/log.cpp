#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/error.h"

namespace frugal {

void log_init(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw InputError("unknown log level '" + level + "' (trace, debug, info, warn, error, off)");
  }
  static auto logger = [] {
    // spdlog's registry is shared by the binary and libfrugal-torch.so: reuse what is there.
    if (auto existing = spdlog::get("frugal")) return existing;
    auto l = spdlog::stderr_color_mt("frugal");
    l->set_pattern("%^[%H:%M:%S.%e %L]%$ %v");
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_level(parsed);
}

}  // namespace frugal
