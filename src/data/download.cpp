#include "data/download.h"

#ifndef FRUGAL_NO_CURL
#include <curl/curl.h>
#endif

#include <memory>
#include <mutex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress.h"

namespace frugal {
#ifdef FRUGAL_NO_CURL

// A build without libcurl (-DFRUGAL_WITH_CURL=OFF: the device build) reads only local files.
void download_file(const std::string& url, const std::string&, const DownloadOptions&) {
  throw InputError("cannot download " + url + ": this frugal was built without libcurl; put the file in the data mirror (--mirror) or cache");
}

#else
namespace {

struct Transfer {
  AtomicFile* out;
  std::unique_ptr<Progress> progress;
  curl_off_t reported = 0;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->out->write(std::string_view(data, size * count));
  return size * count;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->progress) return 0;
  if (total > 0) t->progress->set_total(static_cast<std::uint64_t>(total));
  if (now > t->reported) {
    t->progress->advance(static_cast<std::uint64_t>(now - t->reported));
    t->reported = now;
  }
  return 0;
}

}  // namespace

void download_file(const std::string& url, const std::string& path, const DownloadOptions& options) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  AtomicFile out(path);
  Transfer transfer{&out, nullptr};
  if (options.show_progress) {
    ProgressOptions po;
    po.label = "download " + url.substr(url.find_last_of('/') + 1);
    po.unit = "B";
    transfer.progress = std::make_unique<Progress>(0, po);
  }
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("libcurl: cannot create a handle");
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, options.stall_timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "frugal-data-cache");
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &transfer);
  const CURLcode code = curl_easy_perform(curl.get());
  if (transfer.progress) transfer.progress->finish();
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    throw InputError("download failed: " + url + ": " + detail);
  }
  out.commit();
}

#endif  // FRUGAL_NO_CURL
}  // namespace frugal
