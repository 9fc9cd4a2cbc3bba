#include "apps/cli/model_files.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace fs = std::filesystem;

namespace frugal::cli {

void copy_tokenizer(const std::string& tokenizer, const std::string& dir) {
  fs::create_directories(dir);
  if (fs::is_directory(tokenizer)) {
    for (const char* f : {"vocab.txt", "tokenizer.json", "vocab.json", "merges.txt", "encoder.json", "vocab.bpe"}) {
      if (fs::exists(fs::path(tokenizer) / f)) write_file_atomic(dir + "/" + f, read_file((fs::path(tokenizer) / f).string()));
    }
  } else {
    write_file_atomic(dir + "/" + fs::path(tokenizer).filename().string(), read_file(tokenizer));
  }
}

std::string tokenizer_for_model(const std::string& model_dir, const std::string& given) {
  if (!given.empty()) return given;
  for (const char* f : {"tokenizer.json", "vocab.txt"}) {
    if (fs::exists(model_dir + "/" + f)) return model_dir + "/" + f;
  }
  if (fs::exists(model_dir + "/vocab.json") || fs::exists(model_dir + "/encoder.json")) return model_dir;
  throw InputError(InputLocation{model_dir}, "no tokenizer files in the model directory; give --tokenizer");
}

}  // namespace frugal::cli
