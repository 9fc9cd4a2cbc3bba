#include "data/image_transform.h"

#include <gtest/gtest.h>

#include <numeric>

#include "core/error.h"

namespace frugal {
namespace {

ImageSet ramp_set(std::size_t n, int h, int w, int channels) {
  ImageSet set;
  for (std::size_t i = 0; i < n; ++i) {
    Image im;
    im.height = h, im.width = w, im.channels = channels;
    im.pixels.resize(static_cast<std::size_t>(h * w * channels));
    for (std::size_t p = 0; p < im.pixels.size(); ++p) im.pixels[p] = static_cast<std::uint8_t>((p * 7 + i * 13) % 256);
    set.images.push_back(im);
  }
  return set;
}

TEST(ImageTransform, PlainFittingScalesAndNormalises) {
  const auto set = ramp_set(1, 2, 3, 1);
  ImageInputSpec spec;
  spec.height = 2, spec.width = 3;
  std::vector<float> out(6);
  prepare_images(set, {0}, spec, nullptr, 0, 0, false, out.data(), 1);
  for (std::size_t p = 0; p < 6; ++p) EXPECT_FLOAT_EQ(out[p], static_cast<float>((set.images[0].pixels[p] / 255.0 - 0.5) / 0.5));
  prepare_images(set, {0}, spec, nullptr, 0, 0, true, out.data(), 1);  // flipped: columns reversed
  EXPECT_FLOAT_EQ(out[0], static_cast<float>((set.images[0].pixels[2] / 255.0 - 0.5) / 0.5));
  // Grey to RGB repeats the grey plane; a 16x16 image fills 28x28.
  ImageInputSpec rgb;
  rgb.channels = 3, rgb.mean = {0, 0, 0}, rgb.std = {1, 1, 1};
  const auto small = ramp_set(1, 16, 16, 1);
  std::vector<float> big(3 * 28 * 28);
  prepare_images(small, {0}, rgb, nullptr, 0, 0, false, big.data(), 1);
  for (std::size_t p = 0; p < 28 * 28; ++p) {
    EXPECT_EQ(big[p], big[28 * 28 + p]);
    EXPECT_EQ(big[p], big[2 * 28 * 28 + p]);
  }
}

TEST(ImageTransform, AugmentationIsSeededPerImageWhateverTheThreads) {
  const auto set = ramp_set(300, 16, 16, 3);
  ImageInputSpec spec;
  spec.channels = 3, spec.mean = {0.5, 0.5, 0.5}, spec.std = {0.5, 0.5, 0.5};
  const auto augment = augment_preset("natural");
  std::vector<std::size_t> all(set.size());
  std::iota(all.begin(), all.end(), 0);
  const std::size_t per = 3 * 28 * 28;
  std::vector<float> one(all.size() * per), two(all.size() * per), again(per), other_round(all.size() * per);
  prepare_images(set, all, spec, &augment, 5, 0, false, one.data(), 1);
  prepare_images(set, all, spec, &augment, 5, 0, false, two.data(), 2);
  EXPECT_EQ(one, two);
  // Image 123 alone, in another batch: the same bits.
  prepare_images(set, {123}, spec, &augment, 5, 0, false, again.data(), 1);
  EXPECT_TRUE(std::equal(again.begin(), again.end(), one.begin() + 123 * per));
  prepare_images(set, all, spec, &augment, 5, 1, false, other_round.data(), 2);
  EXPECT_NE(one, other_round);
  for (const auto v : one) ASSERT_TRUE(std::isfinite(v));
}

TEST(ImageTransform, PresetsAndOverridesAreChecked) {
  EXPECT_THROW(augment_preset("wild"), InputError);
  EXPECT_FALSE(augment_preset("none").any());
  EXPECT_EQ(augment_preset("digits").flip_p, 0.0);  // digits are not mirror-symmetric
  auto a = augment_preset("digits");
  a.update({{"rotation_degrees", 30}, {"crop_scale", {0.3, 1.0}}}, "aug.json");
  EXPECT_EQ(a.rotation_degrees, 30);
  EXPECT_EQ(a.crop_scale_min, 0.3);
  EXPECT_THROW(a.update({{"flip_p", 1.5}}, "aug.json"), InputError);
  EXPECT_THROW(a.update({{"colour", 1}}, "aug.json"), InputError);
  EXPECT_THROW(a.update({{"crop_scale", {0.0, 1.0}}}, "aug.json"), InputError);
}

}  // namespace
}  // namespace frugal
