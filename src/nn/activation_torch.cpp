#include "nn/activation_torch.h"

#include <cmath>

#include "nn/norm_torch.h"

namespace frugal {

torch::Tensor apply_activation(const torch::Tensor& x, const std::string& name) {
  if (name == "relu") return torch::relu(x);
  if (name == "gelu_new") {
    // HF's NewGELUActivation, written out as HF writes it (bit-level agreement with PyTorch peers).
    return 0.5 * x * (1.0 + torch::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * torch::pow(x, 3.0))));
  }
  if (name == "gelu_pytorch_tanh") return torch::gelu(x, "tanh");
  return torch::gelu(x);  // exact erf form: HF "gelu"
}

torch::Tensor attention_weights(const torch::Tensor& scores, const torch::Tensor& bias, std::int64_t head_size, torch::ScalarType out) {
  const auto scaled = scores.to(fp32_if_half(scores.scalar_type())) / std::sqrt(static_cast<double>(head_size));
  return torch::softmax(scaled + bias, -1).to(out);
}

}  // namespace frugal
