#pragma once
// Logging: spdlog to stderr. One call configures the level for the whole process.
#include <spdlog/spdlog.h>

#include <string>

namespace frugal {

// level: trace, debug, info, warn, error, off. Throws InputError on an unknown name.
void log_init(const std::string& level = "info");

}  // namespace frugal
