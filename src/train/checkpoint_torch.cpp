#include "train/checkpoint_torch.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"

#include <spdlog/spdlog.h>

namespace fs = std::filesystem;

namespace frugal {
namespace {

constexpr const char* kPrefix = "step-";

torch::Tensor torch_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void set_torch_rng_state(const torch::Tensor& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// The name in ROOT/latest ("" when absent).
std::string latest_name(const std::string& root) {
  const auto latest = fs::path(root) / "latest";
  if (!fs::exists(latest)) return "";
  auto name = read_file(latest.string());
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  return name;
}

bool is_complete(const fs::path& dir) {
  for (const char* f : {"model.safetensors", "config.json", "trainer.pt", "state.json"}) {
    if (!fs::is_regular_file(dir / f)) return false;
  }
  return true;
}

}  // namespace

std::string save_checkpoint(const std::string& root, std::uint64_t step, const Model& model,
                            torch::optim::Optimizer& optimizer, const nlohmann::json& state, std::size_t keep_last) {
  fs::create_directories(root);
  const std::string name = fmt::format("{}{:09d}", kPrefix, step);
  const fs::path final_dir = fs::path(root) / name;
  // The step `latest` names is complete already (a rerun of a finished command, or the last
  // step of a run saving every K): never delete what `latest` names.
  if (latest_name(root) == name && is_complete(final_dir)) return final_dir.string();
  const fs::path tmp_dir = fs::path(root) / fmt::format(".{}.tmp-{}", name, ::getpid());
  fs::remove_all(tmp_dir);
  fs::create_directories(tmp_dir);
  model.save(tmp_dir.string());
  {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.write("torch_rng_state", torch_rng_state());
    // Serialised in memory, then written with checked, fsynced I/O: libtorch's file writer
    // throws from its destructor on a full disk, which aborts the process.
    std::string bytes;
    archive.save_to([&bytes](const void* data, std::size_t n) {
      bytes.append(static_cast<const char*>(data), n);
      return n;
    });
    write_file_atomic((tmp_dir / "trainer.pt").string(), bytes);
  }
  write_file_atomic((tmp_dir / "state.json").string(), state.dump(2) + "\n");
  fsync_dir(tmp_dir);
  fs::remove_all(final_dir);  // a checkpoint of the same step from a run that was resumed
  fs::rename(tmp_dir, final_dir);
  fsync_dir(root);
  write_file_atomic((fs::path(root) / "latest").string(), name + "\n");
  // Keep the newest keep_last checkpoints.
  std::vector<std::string> existing;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto n = entry.path().filename().string();
    if (entry.is_directory() && n.rfind(kPrefix, 0) == 0) existing.push_back(n);
  }
  std::sort(existing.begin(), existing.end());
  const std::size_t keep = std::max<std::size_t>(1, keep_last);
  for (std::size_t i = 0; i + keep < existing.size(); ++i) {
    if (existing[i] != name) fs::remove_all(fs::path(root) / existing[i]);
  }
  return final_dir.string();
}

std::optional<std::string> latest_checkpoint(const std::string& root) {
  if (!fs::is_directory(root)) return std::nullopt;
  // The caller holds the run's lock: every temporary here is a killed run's leftover.
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto n = entry.path().filename().string();
    if (n.size() > 1 && n[0] == '.' && (n.find(".tmp-") != std::string::npos || n.find(".tmp.") != std::string::npos)) {
      fs::remove_all(entry.path());
    }
  }
  const auto name = latest_name(root);
  if (name.empty() && !fs::exists(fs::path(root) / "latest")) return std::nullopt;
  const auto dir = fs::path(root) / name;
  if (name.rfind(kPrefix, 0) == 0 && is_complete(dir)) return dir.string();
  // `latest` lost its checkpoint (a kill between two renames of an older frugal, a disk
  // error): the newest complete one is the run's state.
  std::vector<std::string> complete;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto n = entry.path().filename().string();
    if (entry.is_directory() && n.rfind(kPrefix, 0) == 0 && is_complete(entry.path())) complete.push_back(n);
  }
  if (complete.empty()) {
    throw InputError(InputLocation{(fs::path(root) / "latest").string()},
                     "names no complete checkpoint ('" + name + "') and none other is complete; use --no-resume");
  }
  std::sort(complete.begin(), complete.end());
  spdlog::warn("{}/latest names no complete checkpoint ('{}'): resuming from {}", root, name, complete.back());
  return (fs::path(root) / complete.back()).string();
}

nlohmann::json load_checkpoint(const std::string& dir, Model& model, torch::optim::Optimizer& optimizer) {
  model.load_weights(dir + "/model.safetensors", /*strict=*/true);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(dir + "/trainer.pt");
    optimizer.load(archive);
    torch::Tensor rng;
    archive.read("torch_rng_state", rng);
    set_torch_rng_state(rng);
  } catch (const c10::Error& e) {
    throw InputError(InputLocation{dir + "/trainer.pt"}, "corrupt or not a trainer state: " + std::string(e.what_without_backtrace()).substr(0, 200));
  }
  const auto text = read_file(dir + "/state.json");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(InputLocation{dir + "/state.json"}, std::string("malformed: ") + e.what());
  }
}

}  // namespace frugal
