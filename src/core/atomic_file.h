#pragma once
// Files that appear whole or not at all. Content goes to a temporary file beside the
// target; commit() flushes, fsyncs, renames over the target and fsyncs the directory.
// A destructor without commit() (an exception, bad input) deletes the temporary file, and
// the CLI's SIGINT/SIGTERM handler deletes the ones still open, so no partial output stays.
// A symlink's target is replaced (not the link); a character device, FIFO or socket
// (/dev/null, /dev/stdout, a named pipe) is written in place.
#include <cstdio>
#include <string>
#include <string_view>

namespace frugal {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  std::FILE* handle() { return file_; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

  void commit();
  void discard();

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  int slot_ = -1;  // index in the signal-cleanup table
  bool direct_ = false;  // a device or FIFO: written in place, nothing to rename
};

void write_file_atomic(const std::string& path, std::string_view content);

// Whole file into memory; InputError naming the file when it cannot be read.
std::string read_file(const std::string& path);

// SIGINT/SIGTERM: delete the temporary files of uncommitted AtomicFiles, then die by the
// same signal. Called once by the CLI; a trainer may install its own handler later.
void install_temp_cleanup_on_signals();

}  // namespace frugal
