#include "nn/device_torch.h"

#include <torch/cuda.h>

#include "core/error.h"

namespace frugal {

torch::Device parse_device(const std::string& name) {
  try {
    torch::Device device(name);
    if (device.is_cuda() && !torch::cuda::is_available()) throw InputError("--device " + name + ": no CUDA device in this build or machine");
    return device;
  } catch (const c10::Error&) {
    throw InputError("--device '" + name + "' is not a device (cpu, cuda, cuda:N)");
  }
}

torch::ScalarType parse_dtype(const std::string& name) {
  if (name == "float32" || name == "fp32") return torch::kFloat32;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "fp16") return torch::kFloat16;
  if (name == "float64" || name == "fp64") return torch::kFloat64;
  throw InputError("--dtype '" + name + "' is not float32, bfloat16, float16 or float64");
}

std::string dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return "float32";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    case torch::kFloat64: return "float64";
    default: return c10::toString(t);
  }
}

torch::ScalarType half_dtype_for(const torch::Device& device) { return device.is_cuda() ? torch::kFloat16 : torch::kBFloat16; }

}  // namespace frugal
