#pragma once
// Data-parallel training on c10d: ProcessGroupGloo on CPU (ProcessGroupNCCL when built with
// CUDA and FRUGAL_WITH_NCCL), ranks and rendezvous from torchrun's environment variables
// (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). Gradients are all-reduced in
// buckets of flattened tensors (fewer, larger messages), then averaged.
#include <torch/torch.h>

#include <memory>
#include <string>

namespace frugal {

struct DistributedEnv {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool enabled() const { return world_size > 1; }
  // From the environment; InputError for malformed or inconsistent values.
  static DistributedEnv from_environment();
};

class DataParallel {
 public:
  // Joins the group (blocks until every rank has arrived, or times out).
  DataParallel(const DistributedEnv& env, torch::Device device);
  ~DataParallel();
  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  // Rank 0's parameters to every rank (identical starting weights).
  void broadcast_parameters(const std::vector<torch::Tensor>& params);
  // grad <- mean over ranks of grad, in buckets of about bucket_bytes.
  void average_gradients(const std::vector<torch::Tensor>& params, std::size_t bucket_bytes = 25u << 20);
  double sum(double value);
  void barrier();

 private:
  struct Impl;
  DistributedEnv env_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace frugal
