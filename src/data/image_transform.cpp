#include "data/image_transform.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"

namespace frugal {
namespace {

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform01(); }

// torchvision's RandomResizedCrop.get_params: ten tries at a random area and aspect ratio,
// then the central crop of the nearest allowed ratio.
cv::Rect crop_box(int height, int width, const AugmentOptions& a, Rng& rng) {
  const double area = static_cast<double>(height) * width;
  const double log_lo = std::log(a.crop_ratio_min), log_hi = std::log(a.crop_ratio_max);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * uniform(rng, a.crop_scale_min, a.crop_scale_max);
    const double ratio = std::exp(uniform(rng, log_lo, log_hi));
    const int w = static_cast<int>(std::lround(std::sqrt(target * ratio)));
    const int h = static_cast<int>(std::lround(std::sqrt(target / ratio)));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const int top = static_cast<int>(rng.uniform(static_cast<std::uint64_t>(height - h + 1)));
      const int left = static_cast<int>(rng.uniform(static_cast<std::uint64_t>(width - w + 1)));
      return {left, top, w, h};
    }
  }
  const double in_ratio = static_cast<double>(width) / height;
  int w = width, h = height;
  if (in_ratio < a.crop_ratio_min) h = static_cast<int>(std::lround(w / a.crop_ratio_min));
  else if (in_ratio > a.crop_ratio_max) w = static_cast<int>(std::lround(h * a.crop_ratio_max));
  h = std::clamp(h, 1, height), w = std::clamp(w, 1, width);
  return {(width - w) / 2, (height - h) / 2, w, h};
}

cv::Mat resized(const cv::Mat& m, int height, int width) {
  if (m.rows == height && m.cols == width) return m;
  cv::Mat out;
  const bool shrinking = m.rows > height && m.cols > width;
  cv::resize(m, out, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat grey_of(const cv::Mat& rgb) {
  cv::Mat g;
  cv::cvtColor(rgb, g, cv::COLOR_RGB2GRAY);
  return g;
}

void blend(cv::Mat& m, const cv::Mat& other, double factor) {  // m = factor * m + (1 - factor) * other, in [0, 1]
  cv::addWeighted(m, factor, other, 1.0 - factor, 0.0, m);
  cv::min(cv::max(m, 0.0), 1.0, m);
}

void colour_jitter(cv::Mat& m, const AugmentOptions& a, Rng& rng) {
  int order[4] = {0, 1, 2, 3};
  rng.shuffle(order, order + 4);
  for (const int op : order) {
    if (op == 0 && a.brightness > 0) {
      const double f = uniform(rng, std::max(0.0, 1 - a.brightness), 1 + a.brightness);
      m *= f;
      cv::min(m, 1.0, m);
    } else if (op == 1 && a.contrast > 0) {
      const double f = uniform(rng, std::max(0.0, 1 - a.contrast), 1 + a.contrast);
      const double mean = cv::mean(m.channels() == 3 ? grey_of(m) : m)[0];
      blend(m, cv::Mat(m.size(), m.type(), cv::Scalar::all(mean)), f);
    } else if (op == 2 && a.saturation > 0) {
      const double f = uniform(rng, std::max(0.0, 1 - a.saturation), 1 + a.saturation);
      if (m.channels() == 3) {
        cv::Mat g3;
        cv::cvtColor(grey_of(m), g3, cv::COLOR_GRAY2RGB);
        blend(m, g3, f);
      }
    } else if (op == 3 && a.hue > 0) {
      const double shift = uniform(rng, -a.hue, a.hue);
      if (m.channels() == 3) {
        cv::Mat hsv;
        cv::cvtColor(m, hsv, cv::COLOR_RGB2HSV);  // float: H in [0, 360)
        for (int y = 0; y < hsv.rows; ++y) {
          auto* row = hsv.ptr<cv::Vec3f>(y);
          for (int x = 0; x < hsv.cols; ++x) {
            float h = row[x][0] + static_cast<float>(shift * 360.0);
            h = std::fmod(h, 360.0f);
            row[x][0] = h < 0 ? h + 360.0f : h;
          }
        }
        cv::cvtColor(hsv, m, cv::COLOR_HSV2RGB);
      }
    }
  }
}

void check_probability(double p, const std::string& key, const std::string& where) {
  if (!(p >= 0 && p <= 1)) throw InputError(InputLocation{where, 0, 0, key}, fmt::format("a probability in [0, 1], not {}", p));
}

}  // namespace

bool AugmentOptions::any() const {
  return crop || flip_p > 0 || jitter_p > 0 || grayscale_p > 0 || blur_p > 0 || rotation_p > 0;
}

nlohmann::json AugmentOptions::to_json() const {
  return {{"crop", crop},           {"crop_scale", {crop_scale_min, crop_scale_max}}, {"crop_ratio", {crop_ratio_min, crop_ratio_max}},
          {"flip_p", flip_p},       {"jitter_p", jitter_p},   {"brightness", brightness}, {"contrast", contrast},
          {"saturation", saturation}, {"hue", hue},         {"grayscale_p", grayscale_p}, {"blur_p", blur_p},
          {"blur_sigma", {blur_sigma_min, blur_sigma_max}}, {"rotation_p", rotation_p}, {"rotation_degrees", rotation_degrees}};
}

void AugmentOptions::update(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw InputError(InputLocation{where}, "augmentation options are a JSON object");
  const auto number = [&](const std::string& key, const nlohmann::json& v) {
    if (!v.is_number()) throw InputError(InputLocation{where, 0, 0, key}, "must be a number");
    return v.get<double>();
  };
  const auto pair = [&](const std::string& key, const nlohmann::json& v, double& lo, double& hi) {
    if (!v.is_array() || v.size() != 2) throw InputError(InputLocation{where, 0, 0, key}, "must be [low, high]");
    lo = number(key, v[0]), hi = number(key, v[1]);
    if (!(lo > 0 && lo <= hi)) throw InputError(InputLocation{where, 0, 0, key}, "needs 0 < low <= high");
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "crop") {
      if (!v.is_boolean()) throw InputError(InputLocation{where, 0, 0, key}, "must be true or false");
      crop = v.get<bool>();
    } else if (key == "crop_scale") {
      pair(key, v, crop_scale_min, crop_scale_max);
      if (crop_scale_max > 1) throw InputError(InputLocation{where, 0, 0, key}, "scales are fractions of the image, at most 1");
    } else if (key == "crop_ratio") pair(key, v, crop_ratio_min, crop_ratio_max);
    else if (key == "blur_sigma") pair(key, v, blur_sigma_min, blur_sigma_max);
    else if (key == "flip_p") flip_p = number(key, v);
    else if (key == "jitter_p") jitter_p = number(key, v);
    else if (key == "grayscale_p") grayscale_p = number(key, v);
    else if (key == "blur_p") blur_p = number(key, v);
    else if (key == "rotation_p") rotation_p = number(key, v);
    else if (key == "brightness") brightness = number(key, v);
    else if (key == "contrast") contrast = number(key, v);
    else if (key == "saturation") saturation = number(key, v);
    else if (key == "hue") hue = number(key, v);
    else if (key == "rotation_degrees") rotation_degrees = number(key, v);
    else throw InputError(InputLocation{where, 0, 0, key}, "unknown augmentation option (known: " + [&] {
        std::string known;
        const auto fields = to_json();  // items() of a temporary would dangle
        for (const auto& [k, unused] : fields.items()) known += (known.empty() ? "" : ", ") + k;
        return known;
      }() + ")");
  }
  for (const auto& [key, p] : {std::pair<const char*, double>{"flip_p", flip_p}, {"jitter_p", jitter_p}, {"grayscale_p", grayscale_p},
                               {"blur_p", blur_p}, {"rotation_p", rotation_p}}) {
    check_probability(p, key, where);
  }
  if (hue < 0 || hue > 0.5) throw InputError(InputLocation{where, 0, 0, "hue"}, "hue is in [0, 0.5]");
  for (const auto& [key, v] : {std::pair<const char*, double>{"brightness", brightness}, {"contrast", contrast},
                               {"saturation", saturation}, {"rotation_degrees", rotation_degrees}}) {
    if (v < 0) throw InputError(InputLocation{where, 0, 0, key}, "must not be negative");
  }
}

AugmentOptions augment_preset(const std::string& name) {
  AugmentOptions a;
  if (name == "none") return a;
  if (name == "digits") {
    a.crop = true, a.crop_scale_min = 0.5, a.crop_scale_max = 1.0;
    a.rotation_p = 0.5, a.rotation_degrees = 15;
    a.jitter_p = 0.8, a.brightness = 0.4, a.contrast = 0.4;
    a.blur_p = 0.1, a.blur_sigma_max = 1.0;
    return a;
  }
  if (name == "light") {
    a.crop = true, a.crop_scale_min = 0.8, a.crop_scale_max = 1.0;
    a.rotation_p = 0.5, a.rotation_degrees = 10;
    return a;
  }
  if (name == "natural") {
    a.crop = true;
    a.flip_p = 0.5;
    a.jitter_p = 0.8, a.brightness = 0.8, a.contrast = 0.8, a.saturation = 0.8, a.hue = 0.2;
    a.grayscale_p = 0.2;
    a.blur_p = 0.1;
    return a;
  }
  throw InputError("unknown augmentation preset '" + name + "' (none, digits, light, natural)");
}

void prepare_image(const Image& image, const ImageInputSpec& spec, const AugmentOptions* augment, Rng* rng, bool flip, float* out) {
  cv::Mat m;
  cv::Mat(image.height, image.width, CV_8UC(image.channels), const_cast<std::uint8_t*>(image.pixels.data()))
      .convertTo(m, CV_32F, 1.0 / 255.0);
  if (m.channels() != spec.channels) {
    cv::Mat c;
    cv::cvtColor(m, c, spec.channels == 1 ? cv::COLOR_RGB2GRAY : cv::COLOR_GRAY2RGB);
    m = c;
  }
  const bool aug = augment != nullptr && rng != nullptr;
  if (aug && augment->crop) {
    m = resized(m(crop_box(m.rows, m.cols, *augment, *rng)), spec.height, spec.width);
  } else {
    m = resized(m, spec.height, spec.width);
  }
  if (!m.isContinuous() || m.data == nullptr) m = m.clone();
  if (aug) {
    const auto& a = *augment;
    const auto happens = [&](double p) { return p > 0 && rng->uniform01() < p; };
    if (happens(a.flip_p)) cv::flip(m, m, 1);
    if (happens(a.jitter_p)) colour_jitter(m, a, *rng);
    if (happens(a.grayscale_p) && m.channels() == 3) cv::cvtColor(grey_of(m), m, cv::COLOR_GRAY2RGB);
    if (happens(a.blur_p)) {
      const double sigma = uniform(*rng, a.blur_sigma_min, a.blur_sigma_max);
      int k = static_cast<int>(std::lround(0.1 * std::min(m.rows, m.cols)));
      k = std::max(3, k | 1);
      cv::GaussianBlur(m, m, cv::Size(k, k), sigma, sigma, cv::BORDER_REFLECT_101);
    }
    if (happens(a.rotation_p)) {
      const double angle = uniform(*rng, -a.rotation_degrees, a.rotation_degrees);
      const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(0.5f * (m.cols - 1), 0.5f * (m.rows - 1)), angle, 1.0);
      cv::Mat rotated;
      cv::warpAffine(m, rotated, r, m.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
      m = rotated;
    }
  }
  if (flip) cv::flip(m, m, 1);
  if (!m.isContinuous()) m = m.clone();
  const int c = spec.channels;
  const std::size_t hw = static_cast<std::size_t>(spec.height) * static_cast<std::size_t>(spec.width);
  const float* src = m.ptr<float>();
  for (int k = 0; k < c; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const double mean = spec.mean.size() == 1 ? spec.mean[0] : spec.mean.at(kk);
    const double inv = 1.0 / (spec.std.size() == 1 ? spec.std[0] : spec.std.at(kk));
    float* dst = out + kk * hw;
    for (std::size_t p = 0; p < hw; ++p) dst[p] = static_cast<float>((src[p * static_cast<std::size_t>(c) + kk] - mean) * inv);
  }
}

void prepare_images(const ImageSet& set, const std::vector<std::size_t>& indices, const ImageInputSpec& spec,
                    const AugmentOptions* augment, std::uint64_t seed, std::uint64_t round, bool flip, float* out, int threads) {
  const std::size_t per = static_cast<std::size_t>(spec.channels) * static_cast<std::size_t>(spec.height) * static_cast<std::size_t>(spec.width);
  // frugal splits the images over threads; OpenCV's own pool would only contend with it.
  cv::setNumThreads(0);
  parallel_slices(indices.size(), threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t j = first; j < last; ++j) {
      const auto i = indices[j];
      Rng rng = Rng::for_item(seed, i, round);
      prepare_image(set.images.at(i), spec, augment, augment ? &rng : nullptr, flip, out + j * per);
    }
  });
}

}  // namespace frugal
