#include "nn/norm_torch.h"

namespace frugal {
namespace {

torch::Tensor fp32_or_undefined(const torch::Tensor& t) { return t.defined() ? t.to(torch::kFloat32) : t; }

template <class BatchNorm>
torch::Tensor batch_norm_fp32(BatchNorm& norm, const torch::Tensor& x) {
  if (!is_half_dtype(x.scalar_type()) || norm.is_training()) return norm.forward(x);
  const auto& o = norm.options;
  return torch::batch_norm(x.to(torch::kFloat32), fp32_or_undefined(norm.weight), fp32_or_undefined(norm.bias),
                           fp32_or_undefined(norm.running_mean), fp32_or_undefined(norm.running_var), false, 0.0, o.eps(), false)
      .to(x.scalar_type());
}

}  // namespace

torch::Tensor norm_fp32(torch::nn::LayerNormImpl& norm, const torch::Tensor& x) {
  if (!is_half_dtype(x.scalar_type())) return norm.forward(x);
  const auto& o = norm.options;
  return torch::layer_norm(x.to(torch::kFloat32), o.normalized_shape(), fp32_or_undefined(norm.weight), fp32_or_undefined(norm.bias),
                           o.eps())
      .to(x.scalar_type());
}

torch::Tensor norm_fp32(torch::nn::GroupNormImpl& norm, const torch::Tensor& x) {
  if (!is_half_dtype(x.scalar_type())) return norm.forward(x);
  const auto& o = norm.options;
  return torch::group_norm(x.to(torch::kFloat32), o.num_groups(), fp32_or_undefined(norm.weight), fp32_or_undefined(norm.bias), o.eps())
      .to(x.scalar_type());
}

torch::Tensor norm_fp32(torch::nn::BatchNorm1dImpl& norm, const torch::Tensor& x) { return batch_norm_fp32(norm, x); }
torch::Tensor norm_fp32(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x) { return batch_norm_fp32(norm, x); }

}  // namespace frugal
