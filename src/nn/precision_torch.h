#pragma once
// Inference precision as the user names it (--precision fp32|fp16|bf16|int8), and what each one
// does to a frugal model: fp16/bf16 cast the weights (normalisation, softmax and attention masks
// still compute in fp32: nn/norm_torch.h, nn/activation_torch.h), int8 quantizes every Linear
// layer dynamically (int8 weights, activations quantized per batch, fp32 accumulation; CPU only).
#include <torch/torch.h>

#include <string>

namespace frugal {

class Model;

enum class Precision { kFp32, kFp16, kBf16, kInt8 };

// fp32|float32, fp16|float16|half, bf16|bfloat16, int8|qint8; InputError naming `option` else.
Precision parse_precision(const std::string& name, const std::string& option = "--precision");
std::string precision_name(Precision p);  // fp32 | fp16 | bf16 | int8
// The dtype of weights and activations: fp32 for int8 (its Linear layers hold their own weights).
torch::ScalarType floating_dtype(Precision p);
// InputError when `device` cannot run `p` (int8 dynamic quantization: CPU only; no quantized
// engine in this libtorch).
void check_precision_on_device(Precision p, const torch::Device& device);

// Moves the model to `device` at `p`; returns the number of Linear layers quantized (int8).
std::size_t to_precision(Model& model, const torch::Device& device, Precision p);

}  // namespace frugal
