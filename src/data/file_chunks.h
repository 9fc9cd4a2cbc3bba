#pragma once
// Streams a file in chunks, optionally gunzipping it; InputError names the file on failure.
#include <functional>
#include <string>
#include <string_view>

namespace frugal {

void read_file_chunks(const std::string& path, bool gunzip, const std::function<void(std::string_view)>& sink);

}  // namespace frugal
