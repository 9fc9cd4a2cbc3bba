#include "text/stemmer.h"

#include <libstemmer.h>

#include <memory>
#include <stdexcept>

namespace frugal {
namespace {

struct StemmerDelete {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

// libstemmer's stemmers keep state between calls, so each thread has its own.
sb_stemmer& thread_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDelete> stemmer(sb_stemmer_new("english", "UTF_8"));
  if (!stemmer) throw std::runtime_error("libstemmer: no English UTF-8 stemmer (out of memory?)");
  return *stemmer;
}

}  // namespace

std::string english_stem(const std::string& word) {
  auto& s = thread_stemmer();
  const auto* stem = sb_stemmer_stem(&s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (stem == nullptr) throw std::runtime_error("libstemmer: out of memory");
  return std::string(reinterpret_cast<const char*>(stem), static_cast<std::size_t>(sb_stemmer_length(&s)));
}

}  // namespace frugal
