#include "core/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace frugal {

TEST(Progress, FormatsCountsAndDurations) {
  EXPECT_EQ(Progress::format_count(999), "999");
  EXPECT_EQ(Progress::format_count(1500), "1.5k");
  EXPECT_EQ(Progress::format_count(2.5e6), "2.5M");
  EXPECT_EQ(Progress::format_duration(65), "01:05");
  EXPECT_EQ(Progress::format_duration(3725), "1:02:05");
  EXPECT_EQ(Progress::format_duration(-1), "--:--");
}

static std::string captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
  return out;
}

TEST(Progress, PlainModePrintsWholeLinesWithRateAndEta) {
  std::FILE* f = std::tmpfile();
  {
    ProgressOptions options;
    options.label = "work";
    options.unit = "q";
    options.plain_interval_s = 0.0;  // a line at every advance
    options.out = f;
    options.force_tty = 0;
    Progress p(4, options);
    p.advance(2);
    p.advance(2);
  }
  const auto out = captured(f);
  std::fclose(f);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("work  50% |"), std::string::npos) << out;
  EXPECT_NE(out.find("4/4 q"), std::string::npos) << out;
  EXPECT_NE(out.find("q/s]"), std::string::npos) << out;
  EXPECT_NE(out.find("<"), std::string::npos) << out;  // elapsed<ETA
}

TEST(Progress, TerminalModeRedrawsOneLine) {
  std::FILE* f = std::tmpfile();
  {
    ProgressOptions options;
    options.tty_interval_s = 0.0;
    options.out = f;
    options.force_tty = 1;
    Progress p(0, options);  // unknown total: rate only
    p.advance(10);
  }
  const auto out = captured(f);
  std::fclose(f);
  EXPECT_NE(out.find("\r\033[2K"), std::string::npos);
  EXPECT_NE(out.find("10 it ["), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(Progress, DisabledPrintsNothing) {
  std::FILE* f = std::tmpfile();
  {
    ProgressOptions options;
    options.enabled = false;
    options.out = f;
    Progress p(3, options);
    p.advance(3);
    EXPECT_EQ(p.done(), 3u);
  }
  EXPECT_EQ(captured(f), "");
  std::fclose(f);
}

}  // namespace frugal
