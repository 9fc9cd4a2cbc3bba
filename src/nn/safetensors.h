#pragma once
// The safetensors format (HF's model.safetensors): an 8-byte little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw
// tensor bytes. Reading memory-maps the file and checks the header against the file before
// anything is used: offsets in bounds, sizes equal to dtype x shape, tensors contiguous and
// non-overlapping (as the reference implementation requires). Writing follows the reference
// layout (tensors ordered by dtype alignment, then name; header padded to 8 bytes) and is
// atomic. This file has no torch dependency; safetensors_torch.h converts to tensors.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

enum class SafeDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };
const char* to_string(SafeDtype dtype);
std::size_t dtype_size(SafeDtype dtype);

struct SafeTensorView {
  std::string name;
  SafeDtype dtype;
  std::vector<std::int64_t> shape;
  const std::uint8_t* data;  // into the mapped file
  std::size_t bytes;
};

class SafetensorsFile {
 public:
  // Throws InputError("FILE: ...") for anything malformed.
  static SafetensorsFile open(const std::string& path);
  // From bytes in memory (the fuzzer and tests); the bytes must outlive the object.
  static SafetensorsFile parse(std::string_view bytes, const std::string& name);

  const std::vector<SafeTensorView>& tensors() const { return tensors_; }  // in data order
  const SafeTensorView* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::shared_ptr<void> mapping_;  // keeps the mmap alive
  std::vector<SafeTensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

struct SafeTensorData {
  std::string name;
  SafeDtype dtype;
  std::vector<std::int64_t> shape;
  std::string_view bytes;  // little-endian element data, size = numel x dtype size
};

// Writes a safetensors file atomically (temp + fsync + rename).
void write_safetensors(const std::string& path, std::vector<SafeTensorData> tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace frugal
