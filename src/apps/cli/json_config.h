#pragma once
// JSON config files for the CLI (CLI11 reads them through this formatter):
//   {"log-level": "debug", "mirror": "../shared/data",
//    "eval": {"squad": {"na-prob-thresh": 0.5}}}
// Keys are long option names; nested objects are subcommands. Command-line flags and
// environment variables override config values. --dump-config writes the same format.
#include <CLI/CLI.hpp>

#include <string>

namespace frugal::cli {

class JsonConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description, std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

  // Used in error messages (CLI11 does not pass the file name to the formatter).
  std::string file_name = "config";
};

}  // namespace frugal::cli
