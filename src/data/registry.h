#pragma once
// The data sets and vocabularies frugal knows by name, with the checksum of every file.
// Checksums are of the bytes kept in the cache: for gzip-distributed IDX files that is the
// decompressed content, so a download from any mirror (whose gzip headers differ) verifies.
#include <string>
#include <vector>

namespace frugal {

struct DataFile {
  std::string name;         // file name inside the entry's cache directory
  std::string mirror_path;  // relative to the mirror root
  std::string sha256;       // of the cached bytes
  std::string url;          // official download; empty when there is none for this exact file
  bool gunzip = false;      // the source is gzip; the cache keeps it decompressed
};

struct DataEntry {
  std::string name;
  std::string description;
  std::string licence;
  std::string origin;  // where it comes from, for humans (and why a URL may be missing)
  std::vector<DataFile> files;
};

using DataRegistry = std::vector<DataEntry>;

const DataRegistry& builtin_data_registry();
// nullptr when absent.
const DataEntry* find_data_entry(const DataRegistry& registry, const std::string& name);
// Throws InputError listing the known names when absent.
const DataEntry& require_data_entry(const DataRegistry& registry, const std::string& name);

}  // namespace frugal
