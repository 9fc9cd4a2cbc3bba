#define USE_C10D_GLOO 1
#include "train/distributed_torch.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef FRUGAL_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <torch/version.h>

#include <cstdlib>

#include "core/error.h"
#include <spdlog/spdlog.h>

namespace frugal {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < 0 || x > 1 << 20) throw InputError(std::string("environment variable ") + name + "='" + v + "' is not a count");
  return static_cast<int>(x);
}

}  // namespace

DistributedEnv DistributedEnv::from_environment() {
  DistributedEnv e;
  e.world_size = std::max(1, env_int("WORLD_SIZE", 1));
  e.rank = env_int("RANK", 0);
  e.local_rank = env_int("LOCAL_RANK", e.rank);
  e.master_port = env_int("MASTER_PORT", 29500);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') e.master_addr = addr;
  if (e.rank >= e.world_size) {
    throw InputError("RANK=" + std::to_string(e.rank) + " is not below WORLD_SIZE=" + std::to_string(e.world_size));
  }
  if (e.master_port == 0 || e.master_port > 65535) throw InputError("MASTER_PORT must be a TCP port");
  return e;
}

// The collectives' base class: ProcessGroupGloo / NCCL derive from ProcessGroup in libtorch 1.x
// and from Backend in 2.x (ProcessGroup became a dispatcher over backends).
#if TORCH_VERSION_MAJOR >= 2
using CollectiveBackend = c10d::Backend;
#else
using CollectiveBackend = c10d::ProcessGroup;
#endif

struct DataParallel::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<CollectiveBackend> group;
  torch::Device device = torch::kCPU;
};

DataParallel::DataParallel(const DistributedEnv& env, torch::Device device) : env_(env), impl_(std::make_unique<Impl>()) {
  impl_->device = device;
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<std::uint16_t>(env.master_port);
  store_options.isServer = env.rank == 0;
  store_options.numWorkers = static_cast<std::size_t>(env.world_size);
  store_options.waitWorkers = true;
  store_options.timeout = std::chrono::seconds(120);
  impl_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
#ifdef FRUGAL_WITH_NCCL
  if (device.is_cuda()) {
    impl_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, env.rank, env.world_size);
  }
#endif
  if (!impl_->group) {
    TORCH_CHECK(!device.is_cuda(), "this build has no NCCL: data-parallel training on CUDA needs FRUGAL_WITH_NCCL");
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(env.master_addr));
    options->timeout = std::chrono::seconds(300);
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank, env.world_size, options);
  }
  spdlog::info("rank {} of {} joined ({}:{})", env.rank, env.world_size, env.master_addr, env.master_port);
}

DataParallel::~DataParallel() = default;

void DataParallel::broadcast_parameters(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  for (const auto& p : params) {
    std::vector<at::Tensor> t{p.data()};
    impl_->group->broadcast(t)->wait();
  }
}

void DataParallel::average_gradients(const std::vector<torch::Tensor>& params, std::size_t bucket_bytes) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> bucket;
  std::size_t bytes = 0;
  const double scale = 1.0 / env_.world_size;
  auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<torch::Tensor> flat_views;
    for (const auto& g : bucket) flat_views.push_back(g.reshape({-1}));
    std::vector<at::Tensor> flat{torch::cat(flat_views)};
    impl_->group->allreduce(flat)->wait();
    flat[0].mul_(scale);
    std::int64_t offset = 0;
    for (auto& g : bucket) {
      g.copy_(flat[0].narrow(0, offset, g.numel()).view_as(g));
      offset += g.numel();
    }
    bucket.clear();
    bytes = 0;
  };
  for (const auto& p : params) {
    if (!p.grad().defined()) continue;
    bucket.push_back(p.grad());
    bytes += static_cast<std::size_t>(p.grad().numel()) * p.grad().element_size();
    if (bytes >= bucket_bytes) flush();
  }
  flush();
}

double DataParallel::sum(double value) {
  std::vector<at::Tensor> t{torch::tensor({value}, torch::TensorOptions().dtype(torch::kFloat64).device(impl_->device))};
  impl_->group->allreduce(t)->wait();
  return t[0].item<double>();
}

void DataParallel::barrier() { impl_->group->barrier()->wait(); }

}  // namespace frugal
