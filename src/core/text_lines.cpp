#include "core/text_lines.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/utf8.h"

namespace frugal {

void for_each_line(const std::string& path, const std::function<void(std::string&, std::uint64_t)>& fn, bool lossy) {
  const std::string text = read_file(path);
  std::size_t start = 0;
  std::uint64_t line_no = 0;
  std::string line;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    line.assign(text, start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (const auto bad = find_invalid_utf8(line); bad != kValidUtf8) {
      if (!lossy) {
        throw InputError(InputLocation{path, line_no, bad + 1}, "invalid UTF-8");
      }
      line = replace_invalid_utf8(line);
    }
    fn(line, line_no);
  }
}

std::vector<std::string> split_fields(std::string_view s, char separator) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(separator, start);
    fields.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return fields;
}

}  // namespace frugal
