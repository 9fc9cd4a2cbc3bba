#include "data/image_set.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "data/idx_file.h"
#include "test_support.h"

namespace frugal {
namespace {

std::string idx_bytes(std::vector<std::uint32_t> dims, const std::vector<std::uint8_t>& values) {
  std::string s = {0, 0, 8, static_cast<char>(dims.size())};
  for (const auto d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((d >> shift) & 0xff));
  }
  s.append(values.begin(), values.end());
  return s;
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

using test::error_of;

TEST(Idx, ParsesGreyAndColourImagesAndRefusesBadHeaders) {
  const auto grey = images_from_idx(parse_idx(idx_bytes({2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), "g"), "g");
  ASSERT_EQ(grey.size(), 2u);
  EXPECT_EQ(grey[1].height, 2);
  EXPECT_EQ(grey[1].width, 3);
  EXPECT_EQ(grey[1].channels, 1);
  EXPECT_EQ(grey[1].pixels, (std::vector<std::uint8_t>{7, 8, 9, 10, 11, 12}));
  std::vector<std::uint8_t> rgba(1 * 1 * 2 * 4);
  for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<std::uint8_t>(i);
  const auto colour = images_from_idx(parse_idx(idx_bytes({1, 1, 2, 4}, rgba), "c"), "c");
  EXPECT_EQ(colour[0].channels, 3);  // alpha dropped
  EXPECT_EQ(colour[0].pixels, (std::vector<std::uint8_t>{0, 1, 2, 4, 5, 6}));
  // (N, C, H, W) is recognised by its channel dimension.
  const auto planar = images_from_idx(parse_idx(idx_bytes({1, 3, 1, 2}, {1, 2, 3, 4, 5, 6}), "p"), "p");
  EXPECT_EQ(planar[0].pixels, (std::vector<std::uint8_t>{1, 3, 5, 2, 4, 6}));

  EXPECT_NE(error_of([] { parse_idx(idx_bytes({2, 2, 3}, {1, 2, 3}), "t.idx"); }).find("t.idx: truncated IDX"), std::string::npos);
  EXPECT_NE(error_of([] { parse_idx(std::string("\x01\x00\x08\x01", 4), "m.idx"); }).find("m.idx: not an IDX file"), std::string::npos);
  EXPECT_NE(error_of([] { parse_idx(std::string("\x00\x00\x0d\x01\x00\x00\x00\x00", 8), "f.idx"); }).find("0x0d"), std::string::npos);
  EXPECT_NE(error_of([] { parse_idx(std::string("\x00\x00\x08\x03\x00", 5), "h.idx"); }).find("truncated IDX header"), std::string::npos);
  EXPECT_NE(error_of([] { images_from_idx(parse_idx(idx_bytes({3}, {1, 2, 3}), "l"), "l.idx"); }).find("l.idx: an image file is 3-D"),
            std::string::npos);
  // Found by fuzz_images: dimensions whose 64-bit product wraps to 0 (2^26 x 2304 x 2^31 x 4)
  // must not pass as an empty array of 67M images.
  EXPECT_NE(error_of([] { parse_idx(std::string("\x00\x00\x08\x04\x04\x00\x00\x00\x00\x00\x09\x00\x80\x00\x00\x00\x00\x00\x00\x04", 20), "o.idx"); })
                .find("over 2^40 values"),
            std::string::npos);
}

TEST(ImageSet, ReadsIdxPairsGzipOrNotAndChecksTheLabelCount) {
  const auto dir = test::scratch_dir("image_set_idx");
  test::write_text(dir + "/images.idx", idx_bytes({3, 2, 2}, std::vector<std::uint8_t>(12, 7)));
  write_gzip(dir + "/labels.idx.gz", idx_bytes({3}, {4, 0, 9}));
  write_gzip(dir + "/two-labels.idx.gz", idx_bytes({2}, {4, 0}));
  DataCache cache(DataCacheOptions{dir + "/home", "", false, false});
  const auto set = load_image_set(dir + "/images.idx," + dir + "/labels.idx.gz", cache, ImageLabels::kRequired, 2);
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.labels, (std::vector<std::int64_t>{4, 0, 9}));
  const auto unlabelled = load_image_set(dir + "/images.idx", cache, ImageLabels::kOptional, 2);
  EXPECT_FALSE(unlabelled.labelled());
  EXPECT_NE(error_of([&] { load_image_set(dir + "/images.idx", cache, ImageLabels::kRequired, 1); }).find("labels are needed"),
            std::string::npos);
  const auto mismatch = error_of([&] { load_image_set(dir + "/images.idx," + dir + "/two-labels.idx.gz", cache, ImageLabels::kRequired, 1); });
  EXPECT_NE(mismatch.find("two-labels.idx.gz: 2 labels for the 3 images"), std::string::npos) << mismatch;
  EXPECT_NE(error_of([&] { load_image_set("nosuch:train", cache, ImageLabels::kRequired, 1); }).find("mnist:train"), std::string::npos);
}

TEST(ImageSet, ReadsImageFoldersAndNamesAnUndecodableFile) {
  const auto dir = test::scratch_dir("image_set_folder");
  std::filesystem::create_directories(dir + "/cats");
  std::filesystem::create_directories(dir + "/dogs/deeper");
  cv::Mat bgr(5, 4, CV_8UC3, cv::Scalar(10, 20, 30));  // OpenCV's order: B, G, R
  cv::imwrite(dir + "/cats/a.png", bgr);
  cv::imwrite(dir + "/dogs/deeper/b.png", cv::Mat(3, 3, CV_8UC1, cv::Scalar(200)));
  cv::imwrite(dir + "/dogs/c.jpg", bgr);
  DataCache cache(DataCacheOptions{dir + "/home", "", false, false});
  const auto set = load_image_set(dir, cache, ImageLabels::kRequired, 2);
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.class_names, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(set.labels, (std::vector<std::int64_t>{0, 1, 1}));
  EXPECT_EQ(set.images[0].channels, 3);
  EXPECT_EQ(set.images[0].pixels[0], 30);  // RGB
  EXPECT_EQ(set.images[0].pixels[2], 10);
  EXPECT_EQ(set.images[2].channels, 1);  // dogs/deeper/b.png sorts after dogs/c.jpg
  // A PNG cut short, and bytes that are no image at all.
  std::vector<std::uint8_t> png;
  cv::imencode(".png", cv::Mat(16, 16, CV_8UC1, cv::Scalar(3)), png);
  test::write_text(dir + "/cats/cut.png", std::string(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(png.size() / 2)));
  const auto cut = error_of([&] { load_image_set(dir, cache, ImageLabels::kRequired, 2); });
  EXPECT_NE(cut.find("cats/cut.png: not a decodable image"), std::string::npos) << cut;
  std::filesystem::remove(dir + "/cats/cut.png");
  test::write_text(dir + "/dogs/x.png", "hello");
  EXPECT_NE(error_of([&] { load_image_set(dir, cache, ImageLabels::kRequired, 1); }).find("dogs/x.png"), std::string::npos);
}

TEST(ImageSet, RegisteredDigitSetsThroughTheMirror) {
  const auto dir = test::scratch_dir("image_set_mirror");
  DataCache cache(DataCacheOptions{dir, test::mirror_dir(), false, false});
  const auto usps = load_image_set("usps:test", cache, ImageLabels::kRequired, 2);
  EXPECT_EQ(usps.size(), 2007u);
  EXPECT_EQ(usps.images[0].height, 16);
  const auto mnist = load_image_set("mnist:test", cache, ImageLabels::kRequired, 2);
  ASSERT_EQ(mnist.size(), 10000u);
  EXPECT_EQ(mnist.images[0].height, 28);
  EXPECT_EQ(mnist.labels[0], 7);  // the first MNIST test digit
  std::vector<std::size_t> counts(10);
  for (const auto l : mnist.labels) ++counts.at(static_cast<std::size_t>(l));
  EXPECT_EQ(counts[1], 1135u);
  const auto [mean, std] = channel_statistics(mnist, 1);
  EXPECT_NEAR(mean[0], 0.1325, 1e-3);  // MNIST's well-known statistics (test split)
  EXPECT_NEAR(std[0], 0.3105, 1e-3);
}

}  // namespace
}  // namespace frugal
