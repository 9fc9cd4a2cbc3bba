#include "core/metrics.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "test_support.h"

namespace frugal {

TEST(MetricsWriter, AppendsOneJsonObjectPerLineWithTime) {
  const auto path = test::scratch_dir("metrics") + "/m.jsonl";
  {
    MetricsWriter w(path);
    w.write({{"step", 1}, {"loss", 0.5}});
  }
  {
    MetricsWriter w(path);  // a resumed job continues the file
    w.write({{"step", 2}, {"time", 7.0}});
  }
  std::ifstream in(path);
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(in, line)) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["step"], 1);
  EXPECT_GT(records[0]["time"].get<double>(), 1.6e9);
  EXPECT_EQ(records[1]["time"], 7.0);
  MetricsWriter disabled;
  disabled.write({{"x", 1}});  // no file, no error
  EXPECT_THROW(MetricsWriter("/nonexistent-dir/m.jsonl"), InputError);
}

TEST(MetricsWriter, CreatesNoFileUntilTheFirstRecord) {
  // A job that fails before logging (no training data) must leave no metrics file behind.
  const auto path = test::scratch_dir("metrics-lazy") + "/m.jsonl";
  {
    MetricsWriter w(path);
    EXPECT_TRUE(w.enabled());
  }
  EXPECT_FALSE(std::ifstream(path).good());
}

}  // namespace frugal
