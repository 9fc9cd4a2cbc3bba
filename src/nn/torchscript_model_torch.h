#pragma once
// A TorchScript file saved by Python (torch.jit.save) as a model frugal can run: loaded on a
// device, cast to a precision the way the seed's recipe does (model.half(): every floating
// parameter and buffer, inputs cast to match, the output cast back to fp32 before any softmax),
// or int8 on the CPU: the module frozen, and every aten::linear whose weight is a constant
// rewritten into a dynamically quantized int8 linear (PyTorch's quantize_dynamic on Linear).
#include <torch/script.h>

#include <string>
#include <vector>

#include "nn/precision_torch.h"

namespace frugal {

class TorchScriptModel {
 public:
  // InputError naming `path` when it is not a TorchScript archive.
  static TorchScriptModel load(const std::string& path, const torch::Device& device, Precision precision);

  // The module's forward on positional inputs (floating ones cast to the model's dtype; moved
  // to its device). Its output, or the first tensor of a tuple / list, or a dict's "logits",
  // comes back in fp32. InputError naming the file and the input shapes when the model fails.
  torch::Tensor forward(const std::vector<torch::Tensor>& inputs);

  const std::string& path() const { return path_; }
  Precision precision() const { return precision_; }
  const torch::Device& device() const { return device_; }
  std::size_t quantized_layers() const { return quantized_layers_; }
  std::int64_t parameter_count() const { return parameters_; }

 private:
  TorchScriptModel(torch::jit::Module module, std::string path, torch::Device device, Precision precision)
      : module_(std::move(module)), path_(std::move(path)), device_(device), precision_(precision) {}

  torch::jit::Module module_;
  std::string path_;
  torch::Device device_;
  Precision precision_;
  std::size_t quantized_layers_ = 0;
  std::int64_t parameters_ = 0;
};

}  // namespace frugal
