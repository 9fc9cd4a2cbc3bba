#include "nn/precision_torch.h"

#include <torch/cuda.h>

#include "core/error.h"
#include "nn/linear_torch.h"
#include "nn/model_dir_torch.h"

namespace frugal {

Precision parse_precision(const std::string& name, const std::string& option) {
  if (name == "fp32" || name == "float32") return Precision::kFp32;
  if (name == "fp16" || name == "float16" || name == "half") return Precision::kFp16;
  if (name == "bf16" || name == "bfloat16") return Precision::kBf16;
  if (name == "int8" || name == "qint8") return Precision::kInt8;
  throw InputError(option + " '" + name + "' is not fp32, fp16, bf16 or int8");
}

std::string precision_name(Precision p) {
  switch (p) {
    case Precision::kFp32: return "fp32";
    case Precision::kFp16: return "fp16";
    case Precision::kBf16: return "bf16";
    case Precision::kInt8: return "int8";
  }
  return "?";
}

torch::ScalarType floating_dtype(Precision p) {
  switch (p) {
    case Precision::kFp16: return torch::kFloat16;
    case Precision::kBf16: return torch::kBFloat16;
    default: return torch::kFloat32;
  }
}

void check_precision_on_device(Precision p, const torch::Device& device) {
  if (p == Precision::kInt8) {
    if (!device.is_cpu()) throw InputError("--precision int8 runs on the CPU only (dynamic quantization); use fp16 or bf16 on " + device.str());
    if (quantized_engine().empty()) throw InputError("--precision int8: this libtorch has no quantized engine (fbgemm, onednn or qnnpack)");
  }
}

std::size_t to_precision(Model& model, const torch::Device& device, Precision p) {
  check_precision_on_device(p, device);
  model.to(device, floating_dtype(p));
  return p == Precision::kInt8 ? quantize_linear_layers(*model.module()) : 0;
}

}  // namespace frugal
