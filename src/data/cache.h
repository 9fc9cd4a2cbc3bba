#pragma once
// The mirror-aware data cache. A registered file is looked up, in order, in
//   1. the cache directory  ($FRUGAL_HOME, default ~/.cache/frugal), under data/NAME/;
//   2. the mirror directory ($FRUGAL_MIRROR or the "mirror" config key), at its mirror path;
//   3. the official URL, through libcurl.
// Whatever comes from 2 or 3 is checked against the registered SHA-256 before it is
// renamed into the cache, so the cache only ever holds verified, complete files.
#include <string>
#include <vector>

#include "data/registry.h"

namespace frugal {

struct DataCacheOptions {
  std::string home;    // empty: $FRUGAL_HOME, else $XDG_CACHE_HOME/frugal, else ~/.cache/frugal
  std::string mirror;  // empty: $FRUGAL_MIRROR (may stay empty)
  bool allow_download = true;
  bool show_progress = true;
};

enum class FileSource { Cache, Mirror, Url, None };
const char* to_string(FileSource source);

struct FileCheck {
  std::string entry;
  std::string file;
  std::string path;  // what was checked
  FileSource source = FileSource::None;
  bool ok = false;
  std::string actual_sha256;
  std::string problem;
};

class DataCache {
 public:
  explicit DataCache(DataCacheOptions options = {}, const DataRegistry& registry = builtin_data_registry());

  const std::string& home() const { return home_; }
  const std::string& mirror() const { return mirror_; }
  const DataRegistry& registry() const { return registry_; }

  std::string entry_dir(const std::string& name) const;
  // Brings every file of the entry into the cache (verified); returns the entry directory.
  // force: fetch again even when cached.
  std::string fetch(const std::string& name, bool force = false);
  // Path of one cached file of an entry, fetching the entry first when needed.
  std::string file_path(const std::string& name, const std::string& file);

  // Where a file would come from right now, without fetching.
  FileSource locate(const DataEntry& entry, const DataFile& file) const;
  // Recomputes the checksum of each file where it is now (cache, else mirror).
  std::vector<FileCheck> verify(const std::string& name) const;

 private:
  void fetch_file(const DataEntry& entry, const DataFile& file);
  void import_file(const std::string& source, const DataEntry& entry, const DataFile& file, const std::string& origin);

  DataCacheOptions options_;
  const DataRegistry& registry_;
  std::string home_;
  std::string mirror_;
};

}  // namespace frugal
