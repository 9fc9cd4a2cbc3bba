#pragma once
// The HF activation names frugal implements (nn/activation_torch.h applies them).
#include <string>

namespace frugal {

inline bool is_supported_activation(const std::string& name) {
  return name == "gelu" || name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "relu";
}

}  // namespace frugal
