#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace frugal {

Progress::Progress(std::uint64_t total, ProgressOptions options)
    : options_(std::move(options)), total_(total), start_(Clock::now()) {
  tty_ = options_.force_tty >= 0 ? options_.force_tty == 1 : ::isatty(::fileno(options_.out)) != 0;
  const double interval = tty_ ? options_.tty_interval_s : options_.plain_interval_s;
  next_draw_ns_ = static_cast<std::int64_t>(interval * 1e9);
}

Progress::~Progress() { finish(); }

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void Progress::set_total(std::uint64_t total) { total_.store(total); }

void Progress::advance(std::uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!options_.enabled) return;
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  auto due = next_draw_ns_.load(std::memory_order_relaxed);
  if (now_ns < due) return;
  const double interval = tty_ ? options_.tty_interval_s : options_.plain_interval_s;
  const auto next = now_ns + static_cast<std::int64_t>(interval * 1e9);
  // Only the thread that moves the deadline draws; the others go on working.
  if (next_draw_ns_.compare_exchange_strong(due, next)) draw(false);
}

std::string Progress::format_count(double value) {
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::fabs(value) >= 1000.0 && i < 4) {
    value /= 1000.0;
    ++i;
  }
  if (i == 0) return value == std::floor(value) ? fmt::format("{:.0f}", value) : fmt::format("{:.1f}", value);
  return fmt::format("{:.1f}{}", value, suffix[i]);
}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<std::uint64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

void Progress::skip(std::uint64_t n) {
  skipped_ += n;
  done_ += n;
}

void Progress::set_note(std::string note) {
  std::lock_guard<std::mutex> lock(note_mutex_);
  note_ = std::move(note);
}

std::string Progress::status_line() const {
  const double elapsed = elapsed_s();
  const auto done = static_cast<double>(done_.load());
  const auto total = static_cast<double>(total_.load());
  const double rate = elapsed > 0 ? (done - static_cast<double>(skipped_.load())) / elapsed : 0.0;
  std::string line = options_.label.empty() ? std::string() : options_.label + " ";
  if (total > 0) {
    const double frac = std::min(1.0, done / total);
    constexpr int kWidth = 20;
    const int filled = static_cast<int>(frac * kWidth);
    line += fmt::format("{:3.0f}% |{}{}| {}/{} {}", frac * 100.0, std::string(filled, '#'),
                        std::string(kWidth - filled, ' '), format_count(done), format_count(total),
                        options_.unit);
    const double eta = rate > 0 ? (total - done) / rate : NAN;
    line += fmt::format(" [{}<{}, {} {}/s]", format_duration(elapsed), format_duration(eta),
                        format_count(rate), options_.unit);
  } else {
    line += fmt::format("{} {} [{}, {} {}/s]", format_count(done), options_.unit,
                        format_duration(elapsed), format_count(rate), options_.unit);
  }
  std::lock_guard<std::mutex> lock(note_mutex_);
  if (!note_.empty()) line += " " + note_;
  return line;
}

void Progress::draw(bool final_line) {
  std::lock_guard<std::mutex> lock(draw_mutex_);
  const std::string line = status_line();
  if (tty_) {
    std::fprintf(options_.out, "\r\033[2K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(options_.out, "%s\n", line.c_str());
  }
  std::fflush(options_.out);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (options_.enabled) draw(true);
}

}  // namespace frugal
