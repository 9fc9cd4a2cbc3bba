#include "core/metrics.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <unistd.h>

#include "core/error.h"

namespace frugal {

MetricsWriter::MetricsWriter(const std::string& path) : path_(path) {
  // Fail now, not at the first record, when the file cannot be written.
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const bool exists = ::access(path.c_str(), F_OK) == 0;
  if (::access(exists ? path.c_str() : dir.c_str(), W_OK) != 0) {
    throw InputError(InputLocation{path}, std::string("cannot open metrics file: ") + std::strerror(errno));
  }
}

MetricsWriter::~MetricsWriter() {
  if (file_) std::fclose(file_);
}

void MetricsWriter::write(nlohmann::json record) {
  if (path_.empty()) return;
  if (!record.contains("time")) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    record["time"] = std::chrono::duration<double>(now).count();
  }
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) {
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_) throw InputError(InputLocation{path_}, std::string("cannot open metrics file: ") + std::strerror(errno));
  }
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace frugal
