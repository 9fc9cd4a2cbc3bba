#include "core/metrics_plot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "test_support.h"

namespace frugal {
namespace {

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(MetricsPlot, ReadsEveryRunAndNestedKeys) {
  const auto dir = test::scratch_dir("plot");
  std::filesystem::create_directories(dir + "/a");
  std::filesystem::create_directories(dir + "/b");
  const auto a = write(dir + "/a/metrics.jsonl",
                       "{\"step\": 10, \"loss\": 3.5, \"lr\": 0.001}\n\n{\"step\": 20, \"loss\": 2.5, \"lr\": 0.0005}\n"
                       "{\"eval\": {\"loss\": 2.9}, \"step\": 20}\n{\"summary\": true}\n");
  const auto b = write(dir + "/b/metrics.jsonl", "{\"step\": 10, \"loss\": 4.0}\n");
  PlotOptions o;
  o.files = {a, b};
  o.y = {"loss", "eval.loss"};
  const auto series = read_plot_series(o);
  ASSERT_EQ(series.size(), 4u);
  EXPECT_EQ(series[0].label, "a");
  EXPECT_EQ(series[0].points, (std::vector<std::pair<double, double>>{{10, 3.5}, {20, 2.5}}));
  EXPECT_EQ(series[1].points, (std::vector<std::pair<double, double>>{{20, 2.9}}));
  EXPECT_EQ(series[2].label, "b");
  EXPECT_TRUE(series[3].points.empty());
  const auto script = gnuplot_script(o, series, "out.svg");
  EXPECT_NE(script.find("set terminal svg"), std::string::npos);
  EXPECT_NE(script.find("set multiplot layout 2,1"), std::string::npos);
  EXPECT_NE(script.find("title 'a'"), std::string::npos);
  EXPECT_NE(script.find("10 3.5\n20 2.5\n"), std::string::npos);
}

TEST(MetricsPlot, LocatedErrors) {
  const auto dir = test::scratch_dir("plot-errors");
  PlotOptions o;
  o.files = {write(dir + "/bad.jsonl", "{\"step\": 1, \"loss\": 1}\n{\"step\": 2, \n")};
  try {
    read_plot_series(o);
    FAIL() << "accepted a malformed line";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jsonl:2"), std::string::npos) << e.what();
  }
  o.files = {write(dir + "/none.jsonl", "{\"step\": 1, \"acc\": 1}\n")};
  EXPECT_THROW(read_plot_series(o), InputError);
  o.labels = {"x", "y"};
  EXPECT_THROW(read_plot_series(o), InputError);
}

TEST(MetricsPlot, DrawsAnSvgWithGnuplot) {
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) GTEST_SKIP() << "gnuplot not installed";
  const auto dir = test::scratch_dir("plot-draw");
  PlotOptions o;
  o.files = {write(dir + "/m.jsonl", "{\"step\": 1, \"loss\": 3}\n{\"step\": 2, \"loss\": 2}\n{\"step\": 3, \"loss\": 1.5}\n")};
  o.y = {"loss"};
  o.out = dir + "/curve.svg";
  EXPECT_EQ(plot_metrics(o), 3u);
  std::ifstream in(o.out);
  const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("loss"), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

}  // namespace frugal
