// libFuzzer target for the safetensors header parser: any bytes either parse into tensor
// views that lie inside the input, or fail with InputError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "nn/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = frugal::SafetensorsFile::parse(bytes, "fuzz.safetensors");
    for (const auto& t : file.tensors()) {
      const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data());
      if (t.data < begin || t.data + t.bytes > begin + size) std::abort();
    }
  } catch (const frugal::InputError&) {
  }
  return 0;
}
