#include "tasks/image/byol_torch.h"

#include <cmath>

#include "nn/image_model_torch.h"

namespace frugal {
namespace {

torch::Tensor regression(const torch::Tensor& p, const torch::Tensor& z) {  // 2 - 2 cos, per row
  return 2 - 2 * (torch::nn::functional::normalize(p, torch::nn::functional::NormalizeFuncOptions().dim(1)) *
                  torch::nn::functional::normalize(z, torch::nn::functional::NormalizeFuncOptions().dim(1)))
                     .sum(1);
}

}  // namespace

double byol_tau(double tau_base, const std::string& schedule, std::uint64_t step, std::uint64_t total_steps) {
  if (schedule == "constant" || total_steps == 0) return tau_base;
  const double progress = static_cast<double>(step) / static_cast<double>(total_steps);
  return 1 - (1 - tau_base) * (std::cos(M_PI * progress) + 1) / 2;
}

torch::Tensor ByolObjective::loss(Model& model, const TrainBatch& batch) {
  const auto out = model.forward(batch.inputs);
  const auto p = named_output(out, "online_predictions").to(torch::kFloat32);
  const auto z = named_output(out, "target_projections").to(torch::kFloat32);
  const auto n = p.size(0) / 2;
  const auto loss = regression(p.slice(0, 0, n), z.slice(0, n)) + regression(p.slice(0, n), z.slice(0, 0, n));
  {
    torch::NoGradGuard no_grad;
    const auto unit = [&](const char* key) {
      return torch::nn::functional::normalize(named_output(out, key).to(torch::kFloat32), torch::nn::functional::NormalizeFuncOptions().dim(1));
    };
    const auto e = unit("online_projections"), h = unit("online_representations");
    std_sum_ += e.std(0, /*unbiased=*/true).mean().item<double>();
    representation_std_sum_ += h.std(0, /*unbiased=*/true).mean().item<double>();
    cos_sum_ += (e.slice(0, 0, n) * e.slice(0, n)).sum(1).mean().item<double>();
    dim_ = static_cast<double>(e.size(1));
    representation_dim_ = static_cast<double>(h.size(1));
    ++batches_;
  }
  return loss.mean();
}

nlohmann::json ByolObjective::take_diagnostics() {
  if (batches_ == 0) return nlohmann::json::object();
  const double s = std_sum_ / static_cast<double>(batches_);
  const double r = representation_std_sum_ / static_cast<double>(batches_);
  nlohmann::json j = {{"embedding_std", s}, {"embedding_std_x_sqrt_dim", s * std::sqrt(dim_)},
                      {"representation_std_x_sqrt_dim", r * std::sqrt(representation_dim_)},
                      {"view_cosine", cos_sum_ / static_cast<double>(batches_)}};
  std_sum_ = representation_std_sum_ = cos_sum_ = 0;
  batches_ = 0;
  return j;
}

}  // namespace frugal
