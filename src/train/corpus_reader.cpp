#include "train/corpus_reader.h"

#include <filesystem>

#include "core/error.h"
#include "core/utf8.h"

namespace frugal {

CorpusReader::CorpusReader(std::vector<std::string> files) : files_(std::move(files)) {
  if (files_.empty()) throw InputError("no corpus files given");
  for (const auto& f : files_) {
    if (!std::filesystem::is_regular_file(f)) throw InputError(InputLocation{f}, "no such corpus file");
  }
  open_current();
}

void CorpusReader::open_current() {
  in_.close();
  in_.clear();
  if (position_.file >= files_.size()) return;
  in_.open(files_[position_.file], std::ios::binary);
  if (!in_) throw InputError(InputLocation{files_[position_.file]}, "cannot open");
  in_.seekg(static_cast<std::streamoff>(position_.offset));
}

void CorpusReader::seek(const CorpusPosition& p) {
  position_ = p;
  boundary_pending_ = false;
  open_current();
}

bool CorpusReader::next(std::string& line) {
  while (position_.file < files_.size()) {
    if (boundary_pending_) {
      boundary_pending_ = false;
      line.clear();
      return true;
    }
    if (std::getline(in_, line)) {
      const bool had_newline = !in_.eof();
      position_.offset += line.size() + (had_newline ? 1 : 0);
      ++position_.line;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (find_invalid_utf8(line) != kValidUtf8) {
        line = replace_invalid_utf8(line);
        ++replaced_;
      }
      return true;
    }
    ++position_.file;
    position_.offset = 0;
    position_.line = 0;
    open_current();
    boundary_pending_ = position_.file < files_.size();
  }
  return false;
}

}  // namespace frugal
