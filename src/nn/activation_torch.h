#pragma once
// HF activation names ("gelu", "gelu_new", "relu") applied to a tensor; one place for BERT and GPT-2.
#include <torch/types.h>

#include <cstdint>

#include <string>

#include "nn/activation.h"

namespace frugal {

torch::Tensor apply_activation(const torch::Tensor& x, const std::string& name);

// Attention weights from raw q·kᵀ scores: scaled by 1/sqrt(head_size), plus the additive mask
// `bias` (fp32), softmax over the last dimension — computed in at least fp32 (half/bf16 scores
// are upcast first, so the mask and softmax never run in half precision; double stays double),
// returned in `out`.
torch::Tensor attention_weights(const torch::Tensor& scores, const torch::Tensor& bias, std::int64_t head_size, torch::ScalarType out);

}  // namespace frugal
