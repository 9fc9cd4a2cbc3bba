#pragma once
// Reading the texts a command works on from plain lines, GLUE TSV (header row, --column) or
// JSON Lines (--column key), keeping each text's 1-based line number.
#include <cstdint>
#include <string>
#include <vector>

namespace frugal::cli {

struct TextRecord {
  std::string text;
  std::uint64_t line = 0;
};

// Format from the extension: .tsv, .jsonl, anything else is one text per line. Empty column:
// "sentence" for TSV, "text" for JSONL. Invalid UTF-8 or a missing column is an InputError
// naming file and line.
std::vector<TextRecord> read_text_records(const std::string& path, const std::string& column);

}  // namespace frugal::cli
