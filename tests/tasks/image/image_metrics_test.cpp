#include "tasks/image/image_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace frugal {
namespace {

TEST(ImageMetrics, AucCountsTiesHalfAndMacroAveragesOneVsRest) {
  EXPECT_DOUBLE_EQ(binary_auc({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}), 0.75);  // sklearn's example
  EXPECT_DOUBLE_EQ(binary_auc({0.5, 0.5}, {false, true}), 0.5);
  EXPECT_TRUE(std::isnan(binary_auc({0.5, 0.6}, {true, true})));
  const std::vector<std::vector<float>> p = {{0.8f, 0.1f, 0.1f}, {0.2f, 0.7f, 0.1f}, {0.3f, 0.3f, 0.4f}, {0.1f, 0.6f, 0.3f}};
  const std::vector<std::int64_t> y = {0, 1, 2, 2};
  // class 0: 1.0; class 1: positives {0.7} vs {0.1, 0.3, 0.6}: 1.0; class 2: {0.4, 0.3} vs {0.1, 0.1}: 1.0
  EXPECT_DOUBLE_EQ(macro_auc_ovr(p, y), 1.0);
  const auto j = score_images(p, y, {"a", "b", "c"});
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.75);
  EXPECT_EQ(j["per_class"][2]["support"], 2);
  EXPECT_EQ(j["per_class"][1]["predicted"], 2);
  EXPECT_EQ(j["per_class"][1]["correct"], 1);
}

TEST(ImageMetrics, LogLossClipsAndRenormalisesAsScikitLearn) {
  // Row [1, 0] with the label 1: clipped to [1 - 1e-5, 1e-5], already summing to 1.
  EXPECT_NEAR(clipped_log_loss({{1.0f, 0.0f}}, {1}, 1e-5), -std::log(1e-5), 1e-12);
  EXPECT_NEAR(clipped_log_loss({{0.5f, 0.5f}}, {0}, 1e-5), std::log(2.0), 1e-12);
}

}  // namespace
}  // namespace frugal
