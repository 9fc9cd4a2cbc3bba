#include "nn/torchscript_model_torch.h"

#include <fmt/format.h>
#include <ATen/native/quantized/PackedParams.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/freeze_module.h>

#include <filesystem>

#include "core/error.h"
#include "nn/linear_torch.h"

namespace frugal {
namespace {

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

// The line that says what went wrong: the TorchScript interpreter's message ends with Python's
// "RuntimeError: ..." line after a traceback; libtorch's own errors lead with it.
std::string error_summary(const std::string& text) {
  const auto at = text.rfind("RuntimeError: ");
  return at == std::string::npos ? first_line(text) : first_line(text.substr(at + 14));
}

std::string shapes_of(const std::vector<torch::Tensor>& inputs) {
  std::string s;
  for (const auto& t : inputs) {
    if (!s.empty()) s += ", ";
    s += fmt::format("[{}] {}", fmt::join(t.sizes().vec(), "x"), c10::toString(t.scalar_type()));
  }
  return s;
}

// Every aten::linear(x, W, b) with W (and b) constants of a frozen graph becomes
// quantized::linear_dynamic(x, pack(W, b), reduce_range=True); blocks (if / loop bodies) too.
std::size_t quantize_linears(torch::jit::Graph& graph, torch::jit::Block* block) {
  std::size_t n = 0;
  std::vector<torch::jit::Node*> linears;
  for (auto* node : block->nodes()) {
    for (auto* inner : node->blocks()) n += quantize_linears(graph, inner);
    if (node->kind() == c10::Symbol::fromQualString("aten::linear")) linears.push_back(node);
  }
  for (auto* node : linears) {
    const auto weight = torch::jit::toIValue(node->input(1));
    const auto bias = torch::jit::toIValue(node->input(2));
    if (!weight || !weight->isTensor() || !bias) continue;  // weight computed at run time: stays fp32
    const auto packed = pack_int8_linear(weight->toTensor(), bias->isTensor() ? bias->toTensor() : torch::Tensor());
    torch::jit::WithInsertPoint guard(node);
    auto* params = graph.insertConstant(c10::IValue(packed_params_of(*packed)));
    auto* y = graph.insert(c10::Symbol::fromQualString("quantized::linear_dynamic"), {node->input(0), params, true});
    node->output()->replaceAllUsesWith(y);
    node->destroy();
    ++n;
  }
  return n;
}

}  // namespace

TorchScriptModel TorchScriptModel::load(const std::string& path, const torch::Device& device, Precision precision) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(InputLocation{path}, "no such model file");
  check_precision_on_device(precision, device);
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, device);
  } catch (const std::exception& e) {
    throw InputError(InputLocation{path}, "not a TorchScript file (torch.jit.save): " + first_line(e.what()));
  }
  module.eval();
  TorchScriptModel model(std::move(module), path, device, precision);
  for (const auto& p : model.module_.parameters()) model.parameters_ += p.numel();
  if (precision == Precision::kFp16 || precision == Precision::kBf16) {
    model.module_.to(floating_dtype(precision));
  } else if (precision == Precision::kInt8) {
    try {
      model.module_ = torch::jit::freeze_module(model.module_);
    } catch (const std::exception& e) {
      throw InputError(InputLocation{path}, "--precision int8 cannot freeze this module: " + first_line(e.what()));
    }
    auto graph = model.module_.get_method("forward").graph();
    model.quantized_layers_ = quantize_linears(*graph, graph->block());
  }
  return model;
}

torch::Tensor TorchScriptModel::forward(const std::vector<torch::Tensor>& inputs) {
  std::vector<c10::IValue> args;
  for (const auto& t : inputs) {
    auto x = t.to(device_);
    if (x.is_floating_point()) x = x.to(floating_dtype(precision_));
    args.emplace_back(x);
  }
  c10::IValue out;
  try {
    out = module_.forward(args);
  } catch (const std::exception& e) {
    throw InputError(InputLocation{path_}, fmt::format("the model fails on inputs {} at {} on {}: {}", shapes_of(inputs),
                                                        precision_name(precision_), device_.str(), error_summary(e.what())));
  }
  if (out.isTuple() && !out.toTupleRef().elements().empty()) out = out.toTupleRef().elements()[0];
  else if (out.isList() && !out.toListRef().empty()) out = out.toListRef()[0];
  else if (out.isGenericDict()) {
    const auto dict = out.toGenericDict();
    if (dict.contains("logits")) out = dict.at("logits");
  }
  if (!out.isTensor()) throw InputError(InputLocation{path_}, "the model's forward returns " + out.tagKind() + ", not a tensor of logits");
  return out.toTensor().to(torch::kCPU, torch::kFloat32);
}


}  // namespace frugal
