#pragma once
// Device and dtype as the user names them (--device cpu|cuda|cuda:1, --dtype float32|bfloat16|float16),
// and the default half type of a device: fp16 on CUDA, bf16 on CPU.
#include <torch/types.h>

#include <string>

namespace frugal {

torch::Device parse_device(const std::string& name);         // InputError if unknown or unavailable
torch::ScalarType parse_dtype(const std::string& name);      // float32/fp32, bfloat16/bf16, float16/fp16
std::string dtype_name(torch::ScalarType t);
torch::ScalarType half_dtype_for(const torch::Device& device);

}  // namespace frugal
