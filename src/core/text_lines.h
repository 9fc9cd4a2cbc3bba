#pragma once
// Line-oriented text input shared by the commands: UTF-8 checked line by line so that an
// error names file:line:column, and simple field splitting.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

// Calls fn(line, line_number) for every line of the file, without its "\n" or a final "\r".
// Invalid UTF-8 is an InputError naming the place, unless lossy (then each bad sequence
// becomes U+FFFD).
void for_each_line(const std::string& path, const std::function<void(std::string&, std::uint64_t)>& fn,
                   bool lossy = false);

std::vector<std::string> split_fields(std::string_view s, char separator);

}  // namespace frugal
