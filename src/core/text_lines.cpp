#include "core/text_lines.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/utf8.h"

namespace frugal {

void for_each_line(const std::string& path, const std::function<void(std::string&, std::uint64_t)>& fn, bool lossy) {
  // Streamed: memory holds one line, however large the file.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(errno));
  struct LineBuffer {
    char* data = nullptr;
    std::size_t capacity = 0;
    ~LineBuffer() { std::free(data); }
  } buffer;
  std::uint64_t line_no = 0;
  std::string line;
  while (true) {
    errno = 0;
    const ssize_t n = ::getline(&buffer.data, &buffer.capacity, file.get());
    if (n < 0) {
      if (std::ferror(file.get())) throw InputError(InputLocation{path, line_no + 1}, std::string("cannot read file: ") + std::strerror(errno));
      break;
    }
    line.assign(buffer.data, static_cast<std::size_t>(n));
    ++line_no;
    if (!line.empty() && line.back() == '\n') line.pop_back();
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
