#pragma once
// Normalisation layers that compute in fp32 whatever the activations' dtype: under fp16/bf16
// a LayerNorm's variance in half precision loses the small differences it exists to scale (the
// NaNs ONNX Runtime and TensorRT users report). fp32 inputs take the layer's own forward
// unchanged; half inputs are upcast, normalised with fp32 views of the scale and shift (gradients
// still reach the half parameters), and cast back.
#include <torch/torch.h>

namespace frugal {

inline bool is_half_dtype(torch::ScalarType t) { return t == torch::kFloat16 || t == torch::kBFloat16; }
// fp32 for fp16/bf16, the dtype itself otherwise (fp64 stays fp64): where softmax and masks compute.
inline torch::ScalarType fp32_if_half(torch::ScalarType t) { return is_half_dtype(t) ? torch::kFloat32 : t; }

torch::Tensor norm_fp32(torch::nn::LayerNormImpl& norm, const torch::Tensor& x);
torch::Tensor norm_fp32(torch::nn::GroupNormImpl& norm, const torch::Tensor& x);
// Eval mode only upcasts (running statistics are read, not updated); training mode runs the
// layer's own forward so its statistics update in place.
torch::Tensor norm_fp32(torch::nn::BatchNorm1dImpl& norm, const torch::Tensor& x);
torch::Tensor norm_fp32(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x);

}  // namespace frugal
