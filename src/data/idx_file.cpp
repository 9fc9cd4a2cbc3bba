#include "data/idx_file.h"

#include <fmt/format.h>

#include "core/error.h"
#include "data/file_chunks.h"

namespace frugal {

IdxArray parse_idx(std::string_view bytes, const std::string& name) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  if (bytes.size() < 4) throw InputError(InputLocation{name}, fmt::format("not an IDX file: {} bytes, the header needs 4", bytes.size()));
  if (byte(0) != 0 || byte(1) != 0) throw InputError(InputLocation{name}, "not an IDX file: the magic number must start with two zero bytes");
  if (byte(2) != 0x08) {
    throw InputError(InputLocation{name}, fmt::format("IDX value type 0x{:02x} is not supported (unsigned byte, 0x08, is)", byte(2)));
  }
  const std::size_t ndim = byte(3);
  if (ndim == 0 || ndim > 4) throw InputError(InputLocation{name}, fmt::format("IDX with {} dimensions (1 to 4 are read)", ndim));
  const std::size_t header = 4 + 4 * ndim;
  if (bytes.size() < header) {
    throw InputError(InputLocation{name}, fmt::format("truncated IDX header: {} bytes, {} dimensions need {}", bytes.size(), ndim, header));
  }
  IdxArray a;
  std::uint64_t count = 1;
  for (std::size_t d = 0; d < ndim; ++d) {
    const std::size_t at = 4 + 4 * d;
    const std::uint32_t v = (std::uint32_t{byte(at)} << 24) | (std::uint32_t{byte(at + 1)} << 16) |
                            (std::uint32_t{byte(at + 2)} << 8) | std::uint32_t{byte(at + 3)};
    a.dims.push_back(v);
    // Checked before multiplying: four 32-bit dimensions can overflow 64 bits.
    constexpr std::uint64_t kMostValues = std::uint64_t{1} << 40;
    if (v != 0 && count > kMostValues / v) throw InputError(InputLocation{name}, "IDX dimensions describe over 2^40 values");
    count *= v;
  }
  const std::uint64_t have = bytes.size() - header;
  if (have != count) {
    std::string shape;
    for (const auto v : a.dims) shape += (shape.empty() ? "" : "x") + std::to_string(v);
    throw InputError(InputLocation{name}, fmt::format("{} IDX: the header's {} promises {} values after byte {}, the file has {}",
                                                      have < count ? "truncated" : "overlong", shape, count, header, have));
  }
  a.values.assign(reinterpret_cast<const std::uint8_t*>(bytes.data()) + header,
                  reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
  return a;
}

IdxArray read_idx_file(const std::string& path) {
  std::string bytes;
  // zlib reads a file without the gzip magic as it is, so one path serves both.
  read_file_chunks(path, true, [&](std::string_view chunk) { bytes.append(chunk); });
  return parse_idx(bytes, path);
}

}  // namespace frugal
