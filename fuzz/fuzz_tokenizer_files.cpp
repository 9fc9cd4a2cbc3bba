// libFuzzer target for the tokenizer file parsers: arbitrary bytes as a tokenizer.json. Any
// input must either load or fail with InputError; a loaded tokenizer must encode a probe.
#include <cstdint>
#include <string>

#include "core/error.h"
#include "fuzz_target.h"
#include "text/tokenizer_loader.h"

FRUGAL_FUZZ_TARGET(fuzz_tokenizer_files) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const auto tokenizer = frugal::load_tokenizer_json_text(json, "fuzz.json");
    (void)tokenizer.encode("Hello, wörld! 中文 <s> [CLS]");
    (void)tokenizer.encode_pair("a", "b c");
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_located(e, "fuzz.json");
  }
}
