#include "data/tsv_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/text_lines.h"

namespace frugal {

TsvTable read_tsv_table(const std::string& path) {
  TsvTable table;
  table.path = path;
  for_each_line(path, [&](std::string& line, std::uint64_t line_no) {
    if (line_no == 1) {
      if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // a UTF-8 BOM
      table.header = split_fields(line, '\t');
      std::set<std::string> seen;
      for (const auto& name : table.header) {
        if (name.empty()) throw InputError(InputLocation{path, 1}, "the header has an empty column name");
        if (!seen.insert(name).second) throw InputError(InputLocation{path, 1}, "column '" + name + "' appears twice in the header");
      }
      return;
    }
    if (line.empty()) return;
    auto fields = split_fields(line, '\t');
    if (fields.size() != table.header.size()) {
      throw InputError(InputLocation{path, line_no},
                       fmt::format("{} fields, the header has {} columns", fields.size(), table.header.size()));
    }
    table.rows.push_back(std::move(fields));
    table.lines.push_back(line_no);
  });
  if (table.header.empty()) throw InputError(InputLocation{path, 1}, "empty file: a header row is needed");
  if (table.rows.empty()) throw InputError(InputLocation{path, 1}, "a header and no rows");
  return table;
}

bool TsvTable::has_column(const std::string& name) const {
  return std::find(header.begin(), header.end(), name) != header.end();
}

std::size_t TsvTable::column(const std::string& name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) {
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
    throw InputError(InputLocation{path, 1}, "no column '" + name + "' (the header has: " + names + ")");
  }
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace frugal
