#pragma once
// HF activation names ("gelu", "gelu_new", "relu") applied to a tensor; one place for BERT and GPT-2.
#include <torch/types.h>

#include <string>

#include "nn/activation.h"

namespace frugal {

torch::Tensor apply_activation(const torch::Tensor& x, const std::string& name);

// Softmax over the last dimension computed in at least fp32 (half/bf16 inputs are upcast), the
// result in the input's dtype: half-precision inference keeps attention stable, double stays double.
torch::Tensor stable_softmax(const torch::Tensor& scores);

}  // namespace frugal
