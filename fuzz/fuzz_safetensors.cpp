// libFuzzer target for the safetensors header parser: any bytes either parse into tensor
// views that lie inside the input, or fail with InputError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "fuzz_target.h"
#include "nn/safetensors.h"

FRUGAL_FUZZ_TARGET(fuzz_safetensors) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = frugal::SafetensorsFile::parse(bytes, "fuzz.safetensors");
    for (const auto& t : file.tensors()) {
      const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data());
      if (t.data < begin || t.data + t.bytes > begin + size) frugal::fuzz::violated("a tensor view outside the input");
    }
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_named(e, "fuzz.safetensors");
  }
}
