#pragma once
// Progress of a long job, on stderr. On a terminal: one line redrawn in place with
// percent, count, rate and ETA. Elsewhere (CI, pipes): a plain line every few seconds.
// advance() is thread-safe and cheap (an atomic add; drawing is throttled).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace frugal {

struct ProgressOptions {
  std::string label;
  std::string unit = "it";
  double tty_interval_s = 0.1;    // redraw period on a terminal
  double plain_interval_s = 10.0;  // line period otherwise
  bool enabled = true;
  std::FILE* out = stderr;
  int force_tty = -1;  // -1: detect, 0: plain lines, 1: terminal mode (tests)
};

class Progress {
 public:
  // total = 0: unknown length (no percent or ETA, rate only).
  Progress(std::uint64_t total, ProgressOptions options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);
  // Counts n as done without counting them in the rate (a resumed job's earlier work).
  void skip(std::uint64_t n);
  // Short text shown after the counts, e.g. "loss 2.31".
  void set_note(std::string note);
  void set_total(std::uint64_t total);
  // Final line with the totals; called by the destructor if not called before.
  void finish();

  std::uint64_t done() const { return done_.load(std::memory_order_relaxed); }
  double elapsed_s() const;

  // "1.2k", "3.4M": compact counts and rates for the line.
  static std::string format_count(double value);
  // "1:02:03" or "02:03".
  static std::string format_duration(double seconds);
  // The text of one status line (no control characters); public for tests.
  std::string status_line() const;

 private:
  void draw(bool final_line);

  using Clock = std::chrono::steady_clock;
  ProgressOptions options_;
  std::atomic<std::uint64_t> total_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> skipped_{0};
  mutable std::mutex note_mutex_;
  std::string note_;
  Clock::time_point start_;
  std::atomic<std::int64_t> next_draw_ns_{0};
  std::mutex draw_mutex_;
  bool tty_ = false;
  bool finished_ = false;
};

}  // namespace frugal
