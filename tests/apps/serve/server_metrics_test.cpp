#include "apps/serve/server_metrics.h"

#include <gtest/gtest.h>

namespace frugal::serve {

TEST(ServerMetrics, PrometheusTextFormat) {
  ServerMetrics m(64);
  m.count_request("/v1/qa", 200);
  m.count_request("/v1/qa", 200);
  m.count_request("/v1/qa", 422);
  m.batch_size.observe(3);
  m.batch_size.observe(8);
  m.queue_size = 5;
  const auto text = m.prometheus();
  EXPECT_NE(text.find("frugal_request_count{route=\"/v1/qa\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_request_count{route=\"/v1/qa\",status=\"422\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_queue_size 5\n"), std::string::npos);
  // Cumulative buckets: le=2 holds neither, le=4 the 3, le=8 both.
  EXPECT_NE(text.find("frugal_batch_size_bucket{le=\"2\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_batch_size_bucket{le=\"4\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_batch_size_bucket{le=\"8\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_batch_size_bucket{le=\"+Inf\"} 2\nfrugal_batch_size_sum 11\nfrugal_batch_size_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE frugal_inference_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("frugal_batch_tokens_bucket{le=\"64\"} 0\n"), std::string::npos);
  EXPECT_EQ(m.requests("/v1/qa", 200), 2u);
}

}  // namespace frugal::serve
