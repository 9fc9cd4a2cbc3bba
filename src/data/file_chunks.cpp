#include "data/file_chunks.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace frugal {

void read_file_chunks(const std::string& path, bool gunzip, const std::function<void(std::string_view)>& sink) {
  std::vector<char> buffer(1 << 16);
  if (gunzip) {
    gzFile in = gzopen(path.c_str(), "rb");
    if (!in) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(errno));
    int n;
    while ((n = gzread(in, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0) {
      sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    int err = 0;
    const std::string message = n < 0 ? gzerror(in, &err) : "";
    gzclose(in);
    if (n < 0) throw InputError(InputLocation{path}, "corrupt gzip data: " + message);
    return;
  }
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(errno));
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0) sink(std::string_view(buffer.data(), n));
  const bool failed = std::ferror(in) != 0;
  const int err = errno;
  std::fclose(in);
  if (failed) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(err));
}

}  // namespace frugal
