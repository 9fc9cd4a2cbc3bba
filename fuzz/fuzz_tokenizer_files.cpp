// libFuzzer target for the tokenizer file parsers: arbitrary bytes as a tokenizer.json. Any
// input must either load or fail with InputError; a loaded tokenizer must encode a probe.
#include <cstdint>
#include <string>

#include "core/error.h"
#include "text/tokenizer_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const auto tokenizer = frugal::load_tokenizer_json_text(json, "fuzz.json");
    (void)tokenizer.encode("Hello, wörld! 中文 <s> [CLS]");
    (void)tokenizer.encode_pair("a", "b c");
  } catch (const frugal::InputError&) {
  }
  return 0;
}
