#pragma once
// Fitting images to a model's input (size, channels, normalisation) and the seeded random
// augmentations of self-supervised and supervised training: random resized crop, horizontal
// flip, colour jitter, grayscale, Gaussian blur, rotation, each with its probability, with
// torchvision's semantics. An image's result depends only on (seed, image index, round), never
// on the thread that prepared it or the batch it shared.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/image_set.h"

namespace frugal {

// What a model takes: stated in its config.json (num_channels, image_size, image_mean, image_std).
struct ImageInputSpec {
  int channels = 1, height = 28, width = 28;
  std::vector<double> mean{0.5}, std{0.5};  // per channel, of pixels scaled to [0, 1]
};

struct AugmentOptions {
  bool crop = false;  // RandomResizedCrop(scale, ratio) before resizing to the model's size
  double crop_scale_min = 0.08, crop_scale_max = 1.0, crop_ratio_min = 3.0 / 4.0, crop_ratio_max = 4.0 / 3.0;
  double flip_p = 0;
  double jitter_p = 0, brightness = 0, contrast = 0, saturation = 0, hue = 0;  // ColorJitter, in random order
  double grayscale_p = 0;
  double blur_p = 0, blur_sigma_min = 0.1, blur_sigma_max = 2.0;  // kernel: ~10% of the image side, odd
  double rotation_p = 0, rotation_degrees = 0;                    // uniform in [-degrees, degrees]

  bool any() const;
  nlohmann::json to_json() const;
  // Fields of to_json() override the current values; InputError naming `where` for an unknown
  // key, a wrong type or a probability outside [0, 1].
  void update(const nlohmann::json& j, const std::string& where);
};

// Named presets: "none"; "digits" (no flip: crop 0.5-1, rotation 15 degrees p 0.5, brightness
// and contrast 0.4 p 0.8, blur p 0.1); "natural" (BYOL's: crop 0.08-1, flip 0.5,
// ColorJitter(0.8, 0.8, 0.8, 0.2) p 0.8, grayscale p 0.2, blur p 0.1); "light" (supervised
// digits: crop 0.8-1, rotation 10 degrees p 0.5). InputError for another name.
AugmentOptions augment_preset(const std::string& name);

// One image fitted to `spec` (augmented when `augment` is given, drawing from `rng`; flipped
// horizontally when `flip`), written as channels x height x width floats to `out`.
void prepare_image(const Image& image, const ImageInputSpec& spec, const AugmentOptions* augment, class Rng* rng, bool flip,
                   float* out);

// Images `indices` of `set`, each prepared into `out` (indices.size() x C x H x W) on up to
// `threads` threads; image i augments with Rng::for_item(seed, i, round).
void prepare_images(const ImageSet& set, const std::vector<std::size_t>& indices, const ImageInputSpec& spec,
                    const AugmentOptions* augment, std::uint64_t seed, std::uint64_t round, bool flip, float* out, int threads);

}  // namespace frugal
