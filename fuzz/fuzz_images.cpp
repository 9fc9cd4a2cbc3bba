// libFuzzer target for image files: bytes as an IDX file (parse, then images of 3-D or 4-D
// arrays, whose pixels must be exactly the header's) and as an encoded image (OpenCV's
// decoders behind decode_image): either a well-formed image or an InputError, nothing else.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "fuzz_target.h"
#include "data/idx_file.h"
#include "data/image_set.h"

FRUGAL_FUZZ_TARGET(fuzz_images) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto idx = frugal::parse_idx(bytes, "fuzz.idx");
    std::uint64_t count = 1;
    for (const auto d : idx.dims) count *= d;
    if (idx.values.size() != count) frugal::fuzz::violated("IDX values differ from the header's dimensions");
    if (idx.dims.size() >= 3 && count <= (1u << 22)) {
      for (const auto& im : frugal::images_from_idx(idx, "fuzz.idx")) {
        if (im.pixels.size() != static_cast<std::size_t>(im.height) * im.width * im.channels) frugal::fuzz::violated("pixels differ from height x width x channels");
      }
    }
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_named(e, "fuzz.idx");
  }
  if (size <= (1u << 16)) {
    try {
      const auto im = frugal::decode_image(bytes, "fuzz.png");
      if (im.channels != 1 && im.channels != 3) frugal::fuzz::violated("a decoded image has 1 or 3 channels");
      if (im.pixels.size() != static_cast<std::size_t>(im.height) * im.width * im.channels) frugal::fuzz::violated("pixels differ from height x width x channels");
    } catch (const frugal::InputError& e) {
      frugal::fuzz::expect_named(e, "fuzz.png");
    }
  }
}
