#include "data/cache.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/download.h"
#include "data/file_chunks.h"
#include "data/sha256.h"

namespace fs = std::filesystem;

namespace frugal {

const char* to_string(FileSource source) {
  switch (source) {
    case FileSource::Cache: return "cache";
    case FileSource::Mirror: return "mirror";
    case FileSource::Url: return "url";
    case FileSource::None: return "none";
  }
  return "?";
}

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string default_home() {
  if (auto v = env_or_empty("FRUGAL_HOME"); !v.empty()) return v;
  if (auto v = env_or_empty("XDG_CACHE_HOME"); !v.empty()) return v + "/frugal";
  if (auto v = env_or_empty("HOME"); !v.empty()) return v + "/.cache/frugal";
  return ".frugal-cache";
}

// Copies source (gunzipping when asked) into an AtomicFile, hashing what is written.
std::string copy_hashed(const std::string& source, bool gunzip, AtomicFile& out) {
  Sha256 hash;
  read_file_chunks(source, gunzip, [&](std::string_view chunk) {
    hash.update(chunk);
    out.write(chunk);
  });
  return hash.hex_digest();
}

}  // namespace

DataCache::DataCache(DataCacheOptions options, const DataRegistry& registry)
    : options_(std::move(options)), registry_(registry) {
  home_ = options_.home.empty() ? default_home() : options_.home;
  mirror_ = options_.mirror.empty() ? env_or_empty("FRUGAL_MIRROR") : options_.mirror;
}

std::string DataCache::entry_dir(const std::string& name) const { return home_ + "/data/" + name; }

FileSource DataCache::locate(const DataEntry& entry, const DataFile& file) const {
  if (fs::is_regular_file(entry_dir(entry.name) + "/" + file.name)) return FileSource::Cache;
  if (!mirror_.empty() && fs::is_regular_file(mirror_ + "/" + file.mirror_path)) return FileSource::Mirror;
  if (!file.url.empty() && options_.allow_download) return FileSource::Url;
  return FileSource::None;
}

void DataCache::import_file(const std::string& source, const DataEntry& entry, const DataFile& file,
                            const std::string& origin) {
  const std::string target = entry_dir(entry.name) + "/" + file.name;
  AtomicFile out(target);
  const std::string actual = copy_hashed(source, file.gunzip, out);
  if (actual != file.sha256) {
    out.discard();
    throw InputError(InputLocation{source}, "checksum mismatch for " + entry.name + "/" + file.name + " from " + origin +
                                                ": expected sha256 " + file.sha256 + ", got " + actual);
  }
  out.commit();
}

void DataCache::fetch_file(const DataEntry& entry, const DataFile& file) {
  const std::string dir = entry_dir(entry.name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(InputLocation{dir}, "cannot create cache directory: " + ec.message());

  if (!mirror_.empty()) {
    const std::string source = mirror_ + "/" + file.mirror_path;
    if (fs::is_regular_file(source)) {
      spdlog::info("data: {}/{} from mirror {}", entry.name, file.name, source);
      import_file(source, entry, file, "mirror");
      return;
    }
  }
  if (!file.url.empty() && options_.allow_download) {
    spdlog::info("data: {}/{} from {}", entry.name, file.name, file.url);
    const std::string download = dir + "/" + file.name + ".download";
    DownloadOptions options;
    options.show_progress = options_.show_progress;
    download_file(file.url, download, options);
    try {
      import_file(download, entry, file, file.url);
    } catch (...) {
      fs::remove(download, ec);
      throw;
    }
    fs::remove(download, ec);
    return;
  }
  std::string why = "not in the cache (" + dir + ")";
  why += mirror_.empty() ? ", no mirror set (FRUGAL_MIRROR or --mirror)"
                         : ", not in the mirror (" + mirror_ + "/" + file.mirror_path + ")";
  why += file.url.empty() ? ", and it has no official download URL (" + entry.origin + ")"
                          : ", and downloads are disabled";
  throw InputError("cannot fetch " + entry.name + "/" + file.name + ": " + why);
}

std::string DataCache::fetch(const std::string& name, bool force) {
  const auto& entry = require_data_entry(registry_, name);
  for (const auto& file : entry.files) {
    if (!force && fs::is_regular_file(entry_dir(name) + "/" + file.name)) continue;
    fetch_file(entry, file);
  }
  return entry_dir(name);
}

std::string DataCache::file_path(const std::string& name, const std::string& file_name) {
  const auto& entry = require_data_entry(registry_, name);
  for (const auto& file : entry.files) {
    if (file.name != file_name) continue;
    const std::string path = entry_dir(name) + "/" + file.name;
    if (!fs::is_regular_file(path)) fetch_file(entry, file);
    return path;
  }
  std::string known;
  for (const auto& file : entry.files) known += (known.empty() ? "" : ", ") + file.name;
  throw InputError("data set '" + name + "' has no file '" + file_name + "' (files: " + known + ")");
}

std::vector<FileCheck> DataCache::verify(const std::string& name) const {
  const auto& entry = require_data_entry(registry_, name);
  std::vector<FileCheck> checks;
  for (const auto& file : entry.files) {
    FileCheck check{entry.name, file.name};
    check.source = locate(entry, file);
    bool gunzip = false;
    if (check.source == FileSource::Cache) {
      check.path = entry_dir(entry.name) + "/" + file.name;
    } else if (check.source == FileSource::Mirror) {
      check.path = mirror_ + "/" + file.mirror_path;
      gunzip = file.gunzip;
    } else {
      check.source = FileSource::None;
      check.problem = "not in the cache" + std::string(mirror_.empty() ? " and no mirror set" : " nor the mirror");
      checks.push_back(std::move(check));
      continue;
    }
    try {
      check.actual_sha256 = sha256_file(check.path, gunzip);
      check.ok = check.actual_sha256 == file.sha256;
      if (!check.ok) check.problem = "sha256 " + check.actual_sha256 + " != registered " + file.sha256;
    } catch (const InputError& e) {
      check.problem = e.what();
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace frugal
