#pragma once
// frugal qagen answers | questions | filter | run (the generation stages; training is in cmd_qagen.cpp).
#include "apps/cli/commands.h"

namespace frugal::cli {

void register_qagen_stage_commands(CLI::App& qagen, CommandTable& table, const GlobalOptions& global);

}  // namespace frugal::cli
