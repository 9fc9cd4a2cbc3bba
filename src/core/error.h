#pragma once
// Errors that reach the user. InputError is bad input (file content, arguments, names):
// the CLI prints "error: FILE:LINE:COL: what" on one line and exits with code 2.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace frugal {

inline constexpr int kExitBadInput = 2;

// Where in an input the problem is. line/column are 1-based; 0 means unknown.
struct InputLocation {
  std::string file;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::string path;  // logical path inside a structured file, e.g. data[3].paragraphs[1]

  std::string str() const;
};

class InputError : public std::runtime_error {
 public:
  InputError(InputLocation where, const std::string& what);
  explicit InputError(const std::string& what);
  const InputLocation& where() const { return where_; }
  const std::string& detail() const { return detail_; }

 private:
  InputLocation where_;
  std::string detail_;
};

// 1-based line and column (in bytes) of a byte offset in text.
InputLocation locate_offset(std::string_view text, std::size_t offset, std::string file = {});

}  // namespace frugal
