#pragma once
// Streams the lines of plain-text corpus files, one after another, with a position that can
// be saved in a checkpoint and sought back to (file index + byte offset), so a resumed run
// reads on from exactly where it was without reading the files from the start.
// Invalid UTF-8 is replaced (U+FFFD) and counted: one bad byte must not stop a pretraining run.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace frugal {

struct CorpusPosition {
  std::size_t file = 0;
  std::uint64_t offset = 0;  // byte offset of the next line in that file
  std::uint64_t line = 0;    // lines already read from that file (for messages)
};

class CorpusReader {
 public:
  explicit CorpusReader(std::vector<std::string> files);  // InputError if a file is missing
  // The next line without its newline; false at the end of the last file. A file boundary
  // reads as one empty line (a document boundary).
  bool next(std::string& line);
  CorpusPosition position() const { return position_; }
  void seek(const CorpusPosition& p);
  void rewind() { seek(CorpusPosition{}); }
  std::uint64_t replaced_lines() const { return replaced_; }  // lines that had invalid UTF-8
  const std::vector<std::string>& files() const { return files_; }

 private:
  void open_current();
  std::vector<std::string> files_;
  std::ifstream in_;
  CorpusPosition position_;
  bool boundary_pending_ = false;
  std::uint64_t replaced_ = 0;
};

}  // namespace frugal
