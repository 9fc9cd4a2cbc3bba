#include "apps/cli/text_input.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/utf8.h"

namespace frugal::cli {

static bool ends_with(const std::string& s, const char* suffix) {
  const std::string t(suffix);
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

static std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

std::vector<TextRecord> read_text_records(const std::string& path, const std::string& column) {
  const std::string content = read_file(path);
  const bool tsv = ends_with(path, ".tsv");
  const bool jsonl = ends_with(path, ".jsonl");
  std::vector<TextRecord> records;
  std::size_t start = 0, line_no = 0, column_index = 0;
  const std::string name = column.empty() ? (tsv ? "sentence" : "text") : column;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (const auto bad = find_invalid_utf8(line); bad != kValidUtf8) {
      throw InputError(InputLocation{path, line_no, bad + 1}, "invalid UTF-8");
    }
    if (tsv) {
      const auto fields = split_tabs(line);
      if (line_no == 1) {
        const auto it = std::find(fields.begin(), fields.end(), name);
        if (it == fields.end()) throw InputError(InputLocation{path, 1, 1}, "no column '" + name + "' in the header");
        column_index = static_cast<std::size_t>(it - fields.begin());
        continue;
      }
      if (line.empty()) continue;
      if (column_index >= fields.size()) throw InputError(InputLocation{path, line_no, 1}, "missing column '" + name + "'");
      records.push_back({fields[column_index], line_no});
    } else if (jsonl) {
      if (line.empty()) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::parse_error& e) {
        throw InputError(InputLocation{path, line_no, e.byte}, "malformed JSON");
      }
      if (!j.is_object() || !j.contains(name) || !j[name].is_string()) {
        throw InputError(InputLocation{path, line_no, 1}, "no string field '" + name + "'");
      }
      records.push_back({j[name].get<std::string>(), line_no});
    } else {
      records.push_back({std::move(line), line_no});
    }
  }
  return records;
}

}  // namespace frugal::cli
