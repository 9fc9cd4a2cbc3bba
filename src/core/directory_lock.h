#pragma once
// An exclusive lock on an output directory (DIR/.lock, flock): two runs writing one directory
// would interleave their files and race on pruning. The lock dies with the process, so a kill
// never leaves it held.
#include <string>

namespace frugal {

class DirectoryLock {
 public:
  // Creates dir if needed; InputError "DIR: in use by pid N" when another process holds it.
  explicit DirectoryLock(const std::string& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace frugal
