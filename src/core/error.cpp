#include "core/error.h"

#include <algorithm>

namespace frugal {

std::string InputLocation::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  if (!path.empty()) out += (out.empty() ? "" : ": ") + path;
  return out;
}

static std::string compose(const InputLocation& where, const std::string& what) {
  const std::string loc = where.str();
  return loc.empty() ? what : loc + ": " + what;
}

InputError::InputError(InputLocation where, const std::string& what)
    : std::runtime_error(compose(where, what)), where_(std::move(where)), detail_(what) {}

InputError::InputError(const std::string& what) : std::runtime_error(what), detail_(what) {}

InputLocation locate_offset(std::string_view text, std::size_t offset, std::string file) {
  offset = std::min(offset, text.size());
  InputLocation loc;
  loc.file = std::move(file);
  const auto head = text.substr(0, offset);
  loc.line = 1 + static_cast<std::uint64_t>(std::count(head.begin(), head.end(), '\n'));
  const auto last_newline = head.rfind('\n');
  loc.column = offset - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
  return loc;
}

}  // namespace frugal
