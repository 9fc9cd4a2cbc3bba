#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace frugal {
namespace {

// Async-signal-safe registry of open temporary files: fixed slots, no allocation in the
// handler. More than kSlots open at once only loses signal cleanup for the extra ones.
constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;
std::array<std::atomic<bool>, kSlots> g_slot_used{};
std::array<std::array<char, kPathMax>, kSlots> g_slot_path{};

int register_temp(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_slot_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_slot_path[i].data(), path.c_str(), path.size() + 1);
      return i;
    }
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_slot_used[slot].store(false);
}

extern "C" void cleanup_and_reraise(int sig) {
  for (int i = 0; i < kSlots; ++i) {
    if (g_slot_used[i].load()) ::unlink(g_slot_path[i].data());
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::atomic<unsigned> g_temp_counter{0};

void fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
    // A device, a FIFO or /dev/stdout: written in place (renaming over it would replace it).
    direct_ = true;
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) throw InputError(InputLocation{path_}, std::string("cannot open output: ") + std::strerror(errno));
    return;
  }
  // Replace a link's target, not the link (following a chain, dangling targets included).
  std::error_code ec;
  for (int hops = 0; hops < 40 && std::filesystem::is_symlink(path_, ec); ++hops) {
    const std::filesystem::path link(path_);
    const auto target = std::filesystem::read_symlink(link, ec);
    if (ec) break;
    path_ = (target.is_absolute() ? target : link.parent_path() / target).string();
  }
  const std::filesystem::path target(path_);
  const auto dir = target.parent_path();
  temp_path_ = (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                       std::to_string(g_temp_counter.fetch_add(1))))
                   .string();
  slot_ = register_temp(temp_path_);
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_) {
    unregister_temp(slot_);
    throw InputError(InputLocation{path_}, std::string("cannot create output file: ") + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::write(std::string_view data) {
  if (!file_) throw std::logic_error("AtomicFile::write after commit/discard: " + path_);
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    throw InputError(InputLocation{path_}, std::string("write failed: ") + std::strerror(errno));
  }
}

void AtomicFile::commit() {
  if (!file_) throw std::logic_error("AtomicFile::commit twice: " + path_);
  if (direct_) {
    const bool ok = std::fflush(file_) == 0;
    const int err = errno;
    std::fclose(file_);
    file_ = nullptr;
    if (!ok) throw InputError(InputLocation{path_}, std::string("cannot write output: ") + std::strerror(err));
    return;
  }
  const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const int saved_errno = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int err = ok ? errno : saved_errno;
    ::unlink(temp_path_.c_str());
    unregister_temp(slot_);
    throw InputError(InputLocation{path_}, std::string("cannot write output file: ") + std::strerror(err));
  }
  unregister_temp(slot_);
  fsync_directory(std::filesystem::path(path_).parent_path().string());
}

void AtomicFile::discard() {
  if (!file_) return;
  std::fclose(file_);
  file_ = nullptr;
  if (direct_) return;
  ::unlink(temp_path_.c_str());
  unregister_temp(slot_);
}

void write_file_atomic(const std::string& path, std::string_view content) {
  AtomicFile out(path);
  out.write(content);
  out.commit();
}

std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(errno));
  std::string content;
  char buffer[1 << 16];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) content.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(err));
  return content;
}

void install_temp_cleanup_on_signals() {
  struct sigaction action {};
  action.sa_handler = cleanup_and_reraise;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace frugal
