#pragma once
// Metrics as JSON Lines: one object per line, flushed at once so that a killed job keeps
// every line it wrote. Each record gets "time" (Unix seconds) unless it already has one.
// Appends, so a resumed job continues the same file. The file is opened at the first record, so
// a job that fails before logging anything (no training data) leaves no metrics file behind.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <mutex>
#include <string>

namespace frugal {

class MetricsWriter {
 public:
  MetricsWriter() = default;  // disabled: write() does nothing
  explicit MetricsWriter(const std::string& path);
  ~MetricsWriter();
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;

  bool enabled() const { return !path_.empty(); }
  void write(nlohmann::json record);

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::mutex mutex_;
};

}  // namespace frugal
