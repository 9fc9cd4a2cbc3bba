#pragma once
// Labelled or unlabelled image collections, as a user names them on the command line (DATA):
//   NAME:SPLIT        a registered set through the data cache (mnist:train, usps:test, ...)
//   IMAGES,LABELS     an IDX image file and its IDX label file (gzip or not)
//   IMAGES            an IDX image file alone (unlabelled, e.g. BYOL's input)
//   DIR               an ImageFolder: DIR/CLASS/*.png|jpg|... (labels = sorted class names),
//                     or a folder of image files without subfolders (unlabelled)
// Images keep their own size and channel count here; image_transform.h fits them to a model.
#include <cstdint>
#include <string>
#include <vector>

#include "data/cache.h"

namespace frugal {

struct Image {
  int height = 0, width = 0, channels = 0;  // channels: 1 (grey) or 3 (RGB)
  std::vector<std::uint8_t> pixels;         // height x width x channels, row-major
};

struct ImageSet {
  std::string name;                      // the DATA spec, for messages
  std::vector<Image> images;
  std::vector<std::int64_t> labels;      // one per image, or empty when unlabelled
  std::vector<std::string> paths;        // the file of each image (ImageFolder); empty for IDX
  std::vector<std::string> class_names;  // ImageFolder: sorted subfolder names (label k = class_names[k])
  bool labelled() const { return !labels.empty(); }
  std::size_t size() const { return images.size(); }
  bool empty() const { return images.empty(); }
};

enum class ImageLabels { kRequired, kOptional, kIgnored };

// Loads DATA (see above), decoding files on `threads` threads. InputError naming the file for
// a truncated or malformed IDX file, an undecodable image, a label count that differs from the
// image count, or labels that are required and absent.
ImageSet load_image_set(const std::string& spec, DataCache& cache, ImageLabels labels, int threads);

// The registered sets, "NAME:SPLIT" each, for help texts.
std::vector<std::string> registered_image_sets();

// Decodes PNG/JPEG/BMP/... bytes (OpenCV) into grey or RGB 8-bit; InputError naming `name`.
Image decode_image(const std::string& bytes, const std::string& name);

// Images from an IDX array of 3 (N, H, W) or 4 (N, H, W, C with C 1, 3 or 4; alpha dropped)
// dimensions; InputError naming `name` otherwise.
std::vector<Image> images_from_idx(const struct IdxArray& idx, const std::string& name);

// Per-channel mean and standard deviation of the pixels scaled to [0, 1], over every image
// after conversion to `channels` channels (per-dataset normalisation).
std::pair<std::vector<double>, std::vector<double>> channel_statistics(const ImageSet& set, int channels);

}  // namespace frugal
