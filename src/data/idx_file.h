#pragma once
// IDX files (LeCun's MNIST format): a big-endian header [0, 0, type, ndim], ndim uint32
// dimensions, then the values. frugal reads unsigned-byte IDX (type 0x08), gzip or not:
// 1-D label files and 3-D (N, H, W) / 4-D (N, H, W, C) image files.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace frugal {

struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> values;  // row-major, dims' product of them
};

// Parses IDX bytes; InputError naming `name` (and the byte offset) for a bad magic, a type
// other than unsigned byte, or a length that differs from the header's dimensions.
IdxArray parse_idx(std::string_view bytes, const std::string& name);
// Reads a file (gunzipping it when it starts with the gzip magic) and parses it.
IdxArray read_idx_file(const std::string& path);

}  // namespace frugal
