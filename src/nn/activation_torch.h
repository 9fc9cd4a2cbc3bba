#pragma once
// HF activation names ("gelu", "gelu_new", "relu") applied to a tensor; one place for BERT and GPT-2.
#include <torch/types.h>

#include <string>

#include "nn/activation.h"

namespace frugal {

torch::Tensor apply_activation(const torch::Tensor& x, const std::string& name);

}  // namespace frugal
