#include "apps/cli/text_input.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/error.h"
#include "core/strings.h"
#include "core/text_lines.h"
#include "core/json_input.h"

namespace frugal::cli {

std::vector<TextRecord> read_text_records(const std::string& path, const std::string& column) {
  const bool tsv = ends_with(path, ".tsv");
  const bool jsonl = ends_with(path, ".jsonl");
  std::vector<TextRecord> records;
  std::size_t column_index = 0;
  const std::string name = column.empty() ? (tsv ? "sentence" : "text") : column;
  for_each_line(path, [&](std::string& line, std::uint64_t line_no) {
    if (tsv) {
      const auto fields = split_fields(line, '\t');
      if (line_no == 1) {
        const auto it = std::find(fields.begin(), fields.end(), name);
        if (it == fields.end()) throw InputError(InputLocation{path, 1, 1}, "no column '" + name + "' in the header");
        column_index = static_cast<std::size_t>(it - fields.begin());
        return;
      }
      if (line.empty()) return;
      if (column_index >= fields.size()) throw InputError(InputLocation{path, line_no, 1}, "missing column '" + name + "'");
      records.push_back({fields[column_index], line_no});
    } else if (jsonl) {
      if (line.empty()) return;
      const auto j = parse_nlohmann_text(line, path, line_no);
      if (!j.is_object() || !j.contains(name) || !j[name].is_string()) {
        throw InputError(InputLocation{path, line_no, 1}, "no string field '" + name + "'");
      }
      records.push_back({j[name].get<std::string>(), line_no});
    } else {
      records.push_back({std::move(line), line_no});
    }
  });
  return records;
}

}  // namespace frugal::cli
