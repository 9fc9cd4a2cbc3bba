#pragma once
// HTTP(S)/file downloads with libcurl into an AtomicFile-backed path, with progress.
#include <string>

namespace frugal {

struct DownloadOptions {
  long connect_timeout_s = 20;
  long stall_timeout_s = 60;  // abort when under 1 KiB/s for this long
  bool show_progress = true;
};

// Downloads url to path (temp + rename). Throws InputError naming the URL on any failure;
// nothing is left at path then.
void download_file(const std::string& url, const std::string& path, const DownloadOptions& options = {});

}  // namespace frugal
