#pragma once
// BYOL's objective and schedule (nn/byol_family_torch.h holds the networks): the symmetric loss
// 2 - 2 cos(online prediction of view 1, target projection of view 2) + the same with the
// views swapped, averaged over the images (byol-pytorch's), the target's decay tau, constant or
// cosine-scheduled from tau_base to 1 (BYOL, solo-learn), and the collapse diagnostics
// (SimSiam's): the per-dimension std across the batch of the L2-normalised online projections
// (a collapsed network has 0; spread evenly, about 1/sqrt(dim); logged also x sqrt(dim)), the
// same for the backbone's representations, and the mean cosine of the two views' projections.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "train/trainer_torch.h"

namespace frugal {

double byol_tau(double tau_base, const std::string& schedule, std::uint64_t step, std::uint64_t total_steps);

class ByolObjective {
 public:
  // The mean loss of a batch of two stacked views; records the diagnostics.
  torch::Tensor loss(Model& model, const TrainBatch& batch);
  // Means since the last call: {"embedding_std", "embedding_std_x_sqrt_dim",
  // "representation_std_x_sqrt_dim", "view_cosine"}, then reset.
  nlohmann::json take_diagnostics();

 private:
  double std_sum_ = 0, representation_std_sum_ = 0, cos_sum_ = 0, dim_ = 0, representation_dim_ = 0;
  std::uint64_t batches_ = 0;
};

}  // namespace frugal
