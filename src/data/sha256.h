#pragma once
// SHA-256 (OpenSSL's libcrypto), streaming and whole-file.
#include <memory>
#include <string>
#include <string_view>

namespace frugal {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // finishes the hash

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
// Of the file's bytes, or of its gunzipped content when gunzip is true.
std::string sha256_file(const std::string& path, bool gunzip = false);

}  // namespace frugal
