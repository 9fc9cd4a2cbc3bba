#include "nn/activation_torch.h"

#include <cmath>

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

torch::Tensor stable_softmax(const torch::Tensor& scores) {
  const auto t = scores.scalar_type();
  if (t == torch::kFloat16 || t == torch::kBFloat16) return torch::softmax(scores.to(torch::kFloat32), -1).to(t);
  return torch::softmax(scores, -1);
}

}  // namespace frugal
