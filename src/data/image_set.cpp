#include "data/image_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#ifndef FRUGAL_NO_IMGCODECS
#include <opencv2/imgcodecs.hpp>
#endif
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "data/file_chunks.h"
#include "data/idx_file.h"

namespace frugal {
namespace {

struct RegisteredSplit {
  const char* set;
  const char* split;
  const char* entry;
  const char* images;
  const char* labels;
};

constexpr RegisteredSplit kSplits[] = {
    {"mnist", "train", "mnist", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
    {"mnist", "test", "mnist", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
    {"usps", "train", "usps", "usps-train-images-idx3-ubyte", "usps-train-labels-idx1-ubyte"},
    {"usps", "test", "usps", "usps-test-images-idx3-ubyte", "usps-test-labels-idx1-ubyte"},
};

bool is_image_file(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* known : {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pbm", ".tif", ".tiff", ".webp"}) {
    if (ext == known) return true;
  }
  return false;
}

// libpng and libjpeg print their own complaints ("libpng error: ...") to stderr before OpenCV
// gives up; frugal reports a bad file once, as an InputError. So stderr points at /dev/null
// while a folder is decoded (nothing else is printed then).
class QuietStderr {
 public:
  QuietStderr() {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int null = ::open("/dev/null", O_WRONLY);
    if (saved_ >= 0 && null >= 0) ::dup2(null, 2);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    std::fflush(stderr);
    if (saved_ >= 0) {
      ::dup2(saved_, 2);
      ::close(saved_);
    }
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

std::string read_bytes(const std::string& path) {
  std::string bytes;
  read_file_chunks(path, false, [&](std::string_view chunk) { bytes.append(chunk); });
  return bytes;
}

void attach_labels(ImageSet& set, const std::string& labels_path) {
  const auto idx = read_idx_file(labels_path);
  if (idx.dims.size() != 1) {
    throw InputError(InputLocation{labels_path}, fmt::format("a label file is 1-D IDX, this one has {} dimensions", idx.dims.size()));
  }
  if (idx.values.size() != set.images.size()) {
    throw InputError(InputLocation{labels_path},
                     fmt::format("{} labels for the {} images of {}", idx.values.size(), set.images.size(), set.name));
  }
  set.labels.assign(idx.values.begin(), idx.values.end());
}

ImageSet load_idx_pair(const std::string& spec, const std::string& images, const std::string& labels, ImageLabels need) {
  ImageSet set;
  set.name = spec;
  set.images = images_from_idx(read_idx_file(images), images);
  if (!labels.empty() && need != ImageLabels::kIgnored) attach_labels(set, labels);
  return set;
}

ImageSet load_folder(const std::string& dir, ImageLabels need, int threads) {
  namespace fs = std::filesystem;
  ImageSet set;
  set.name = dir;
  std::vector<std::string> loose;
  std::vector<std::string> classes;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory()) classes.push_back(e.path().filename().string());
    else if (e.is_regular_file() && is_image_file(e.path())) loose.push_back(e.path().string());
  }
  std::sort(classes.begin(), classes.end());
  std::sort(loose.begin(), loose.end());
  std::vector<std::int64_t> labels;
  if (classes.empty()) {
    set.paths = loose;  // a flat folder: unlabelled images
  } else {
    for (std::size_t k = 0; k < classes.size(); ++k) {
      std::vector<std::string> files;
      for (const auto& e : fs::recursive_directory_iterator(fs::path(dir) / classes[k])) {
        if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      for (auto& f : files) {
        set.paths.push_back(std::move(f));
        labels.push_back(static_cast<std::int64_t>(k));
      }
    }
    set.class_names = classes;
  }
  if (set.paths.empty()) throw InputError(InputLocation{dir}, "no image files (.png, .jpg, .jpeg, .bmp, .pgm, .ppm, .tif, .webp)");
  set.images.resize(set.paths.size());
  std::vector<std::exception_ptr> errors(set.paths.size());
  {
    QuietStderr quiet;
    parallel_slices(set.paths.size(), threads, [&](std::size_t first, std::size_t last) {
      for (std::size_t i = first; i < last; ++i) {
        try {
          set.images[i] = decode_image(read_bytes(set.paths[i]), set.paths[i]);
        } catch (const InputError&) {
          errors[i] = std::current_exception();
        }
      }
    });
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);  // the first bad file in sorted order, whatever the threads
  }
  if (need != ImageLabels::kIgnored) set.labels = std::move(labels);
  return set;
}

}  // namespace

std::vector<std::string> registered_image_sets() {
  std::vector<std::string> names;
  for (const auto& s : kSplits) names.push_back(std::string(s.set) + ":" + s.split);
  return names;
}

#ifndef FRUGAL_NO_IMGCODECS
namespace {

// Whether the bytes start like one of the formats frugal reads. Only those reach OpenCV: its
// other decoders (DICOM through GDCM, Radiance HDR, ...) abort or misbehave on damaged input.
bool has_supported_image_signature(const std::string& b) {
  const auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return b.size() >= at + magic.size() && b.compare(at, magic.size(), magic) == 0;
  };
  return starts("\x89PNG\r\n\x1a\n") || starts("\xff\xd8\xff") || starts("BM") ||
         (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') || starts(std::string_view("II*\0", 4)) ||
         starts(std::string_view("MM\0*", 4)) || (starts("RIFF") && starts("WEBP", 8));
}

}  // namespace
#endif

Image decode_image(const std::string& bytes, const std::string& name) {
  // OpenCV's codecs report damage through its logger; frugal reports it once, as an InputError.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  cv::Mat raw;
#ifdef FRUGAL_NO_IMGCODECS
  // A build without OpenCV's codecs (-DFRUGAL_WITH_IMGCODECS=OFF: the device build) reads IDX only.
  (void)bytes;
  throw InputError(InputLocation{name}, "this frugal was built without image decoding (OpenCV imgcodecs); give IDX files");
#else
  try {
    if (has_supported_image_signature(bytes)) raw = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    raw = cv::Mat();
  }
#endif
  if (raw.empty() || raw.dims != 2) throw InputError(InputLocation{name}, "not a decodable image (PNG, JPEG, BMP, PNM, TIFF, WebP)");
  cv::Mat bytes8;
  if (raw.depth() == CV_8U) bytes8 = raw;
  else if (raw.depth() == CV_16U) raw.convertTo(bytes8, CV_8U, 1.0 / 257.0);
  else if (raw.depth() == CV_32F || raw.depth() == CV_64F) raw.convertTo(bytes8, CV_8U, 255.0);
  else raw.convertTo(bytes8, CV_8U);
  cv::Mat out;
  switch (bytes8.channels()) {
    case 1: out = bytes8; break;
    case 2: cv::extractChannel(bytes8, out, 0); break;  // grey + alpha
    case 3: cv::cvtColor(bytes8, out, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(bytes8, out, cv::COLOR_BGRA2RGB); break;
    default: throw InputError(InputLocation{name}, fmt::format("an image with {} channels (1 to 4 are read)", bytes8.channels()));
  }
  if (!out.isContinuous()) out = out.clone();
  Image image;
  image.height = out.rows;
  image.width = out.cols;
  image.channels = out.channels();
  image.pixels.assign(out.data, out.data + out.total() * out.elemSize());
  return image;
}

std::vector<Image> images_from_idx(const IdxArray& idx, const std::string& name) {
  const auto& d = idx.dims;
  std::size_t n = 0, h = 0, w = 0, c = 0;
  bool planar = false;  // (N, C, H, W)
  if (d.size() == 3) {
    n = d[0], h = d[1], w = d[2], c = 1;
  } else if (d.size() == 4) {
    const auto channels_like = [](std::uint32_t v) { return v == 1 || v == 3 || v == 4; };
    if (channels_like(d[3])) n = d[0], h = d[1], w = d[2], c = d[3];
    else if (channels_like(d[1])) n = d[0], c = d[1], h = d[2], w = d[3], planar = true;
    else throw InputError(InputLocation{name}, fmt::format("4-D IDX {}x{}x{}x{} has no channel dimension of 1, 3 or 4", d[0], d[1], d[2], d[3]));
  } else {
    throw InputError(InputLocation{name}, fmt::format("an image file is 3-D (N, H, W) or 4-D (N, H, W, C) IDX; this one has {} dimensions", d.size()));
  }
  if (h == 0 || w == 0) throw InputError(InputLocation{name}, "IDX images of zero height or width");
  const std::size_t kept = c == 4 ? 3 : c;
  std::vector<Image> images(n);
  const std::size_t per = h * w * c;
  for (std::size_t i = 0; i < n; ++i) {
    auto& im = images[i];
    im.height = static_cast<int>(h), im.width = static_cast<int>(w), im.channels = static_cast<int>(kept);
    im.pixels.resize(h * w * kept);
    const std::uint8_t* src = idx.values.data() + i * per;
    for (std::size_t p = 0; p < h * w; ++p) {
      for (std::size_t k = 0; k < kept; ++k) im.pixels[p * kept + k] = planar ? src[k * h * w + p] : src[p * c + k];
    }
  }
  return images;
}

ImageSet load_image_set(const std::string& spec, DataCache& cache, ImageLabels need, int threads) {
  namespace fs = std::filesystem;
  ImageSet set;
  const auto colon = spec.find(':');
  const bool registered_name = colon != std::string::npos && !fs::exists(spec);
  if (registered_name) {
    const auto set_name = spec.substr(0, colon), split = spec.substr(colon + 1);
    std::string splits;
    for (const auto& s : kSplits) {
      if (set_name == s.set && split == s.split) {
        set = load_idx_pair(spec, cache.file_path(s.entry, s.images), cache.file_path(s.entry, s.labels), need);
        set.name = spec;
        break;
      }
      splits += (splits.empty() ? "" : ", ") + std::string(s.set) + ":" + s.split;
    }
    if (set.images.empty()) throw InputError("unknown image set '" + spec + "' (registered: " + splits + ")");
  } else if (const auto comma = spec.find(','); comma != std::string::npos && !fs::exists(spec)) {
    set = load_idx_pair(spec, spec.substr(0, comma), spec.substr(comma + 1), need);
  } else if (fs::is_directory(spec)) {
    set = load_folder(spec, need, threads);
  } else if (fs::is_regular_file(spec)) {
    set = load_idx_pair(spec, spec, "", need);
  } else {
    throw InputError(InputLocation{spec}, "no such image data: give NAME:SPLIT (" + fmt::format("{}", fmt::join(registered_image_sets(), ", ")) +
                                              "), IMAGES,LABELS (IDX files), IMAGES or an image folder");
  }
  if (set.images.empty()) throw InputError(InputLocation{spec}, "no images");
  if (need == ImageLabels::kRequired && !set.labelled()) {
    throw InputError(InputLocation{spec}, "labels are needed: give IMAGES,LABELS or a folder with one subfolder per class");
  }
  return set;
}

std::pair<std::vector<double>, std::vector<double>> channel_statistics(const ImageSet& set, int channels) {
  std::vector<double> sum(static_cast<std::size_t>(channels), 0.0), sq(static_cast<std::size_t>(channels), 0.0);
  double pixels = 0;
  for (const auto& im : set.images) {
    const std::size_t hw = static_cast<std::size_t>(im.height) * static_cast<std::size_t>(im.width);
    for (std::size_t p = 0; p < hw; ++p) {
      for (int k = 0; k < channels; ++k) {
        // grey -> RGB repeats the grey value; RGB -> grey uses ITU-R 601 weights (as OpenCV).
        double v;
        if (im.channels == channels) v = im.pixels[p * static_cast<std::size_t>(im.channels) + static_cast<std::size_t>(k)];
        else if (im.channels == 1) v = im.pixels[p];
        else v = 0.299 * im.pixels[p * 3] + 0.587 * im.pixels[p * 3 + 1] + 0.114 * im.pixels[p * 3 + 2];
        v /= 255.0;
        sum[static_cast<std::size_t>(k)] += v;
        sq[static_cast<std::size_t>(k)] += v * v;
      }
    }
    pixels += static_cast<double>(hw);
  }
  std::vector<double> mean(sum.size()), std(sum.size());
  for (std::size_t k = 0; k < sum.size(); ++k) {
    mean[k] = sum[k] / pixels;
    std[k] = std::sqrt(std::max(1e-12, sq[k] / pixels - mean[k] * mean[k]));
  }
  return {mean, std};
}

}  // namespace frugal
