#include "nn/linear_torch.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>

#include <algorithm>
#include <cctype>
#include <cfloat>

#include "core/error.h"

namespace frugal {

struct PackedInt8Linear {
  c10::intrusive_ptr<LinearPackedParamsBase> params;
};

std::string quantized_engine() {
  static const std::string engine = [] {
    const auto supported = at::globalContext().supportedQEngines();
    // fbgemm / x86 are the fast x86 kernels; onednn is what Debian's build has; qnnpack is ARM's.
    for (const char* wanted : {"x86", "fbgemm", "onednn", "qnnpack"}) {
      for (const auto e : supported) {
        std::string name = c10::toString(e);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == wanted) {
          at::globalContext().setQEngine(e);
          return name;
        }
      }
    }
    return std::string();
  }();
  return engine;
}

torch::Tensor quantize_weight_int8(const torch::Tensor& weight) {
  const auto w = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  // MinMaxObserver(qint8, per_tensor_symmetric): scale = max(|min|, max) / 127.5 in fp32, zero point 0.
  const float low = std::min(0.0f, w.min().item<float>()), high = std::max(0.0f, w.max().item<float>());
  const float scale = std::max(std::max(-low, high) / 127.5f, FLT_EPSILON);
  return torch::quantize_per_tensor(w, scale, 0, torch::kQInt8);
}

std::shared_ptr<PackedInt8Linear> pack_int8_linear(const torch::Tensor& weight, const torch::Tensor& bias) {
  if (quantized_engine().empty()) throw InputError("--precision int8: this libtorch has no quantized engine (fbgemm, onednn or qnnpack)");
  static const auto prepack = c10::Dispatcher::singleton()
                                  .findSchemaOrThrow("quantized::linear_prepack", "")
                                  .typed<c10::intrusive_ptr<LinearPackedParamsBase>(at::Tensor, c10::optional<at::Tensor>)>();
  c10::optional<at::Tensor> b;
  if (bias.defined()) b = bias.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  auto packed = std::make_shared<PackedInt8Linear>();
  packed->params = prepack.call(quantize_weight_int8(weight), b);
  return packed;
}

torch::Tensor int8_linear(const torch::Tensor& x, const PackedInt8Linear& packed) {
  auto shape = x.sizes().vec();
  const auto rows = x.reshape({-1, shape.back()}).to(torch::kFloat32).contiguous();
  // reduce_range as PyTorch's DynamicQuantizedLinear: 7-bit activations keep x86's u8*s8 pair sums from saturating.
  const auto y = packed.params->apply_dynamic(rows, /*reduce_range=*/true);
  shape.back() = y.size(1);
  return y.view(shape).to(x.scalar_type());
}

c10::intrusive_ptr<LinearPackedParamsBase> packed_params_of(const PackedInt8Linear& packed) { return packed.params; }

namespace {
thread_local bool sequence_wise_products = false;
}

SequenceWiseProducts::SequenceWiseProducts() : previous_(sequence_wise_products) { sequence_wise_products = true; }
SequenceWiseProducts::~SequenceWiseProducts() { sequence_wise_products = previous_; }
bool SequenceWiseProducts::active() { return sequence_wise_products; }

torch::Tensor multiply_per_sequence(const torch::Tensor& x, const std::function<torch::Tensor(const torch::Tensor&)>& multiply) {
  if (!sequence_wise_products || x.dim() < 2 || x.size(0) <= 1) return multiply(x);
  std::vector<torch::Tensor> parts;
  parts.reserve(static_cast<std::size_t>(x.size(0)));
  // narrow keeps the batch dimension: each slice takes the code path (and shapes) of a batch of one.
  for (std::int64_t b = 0; b < x.size(0); ++b) parts.push_back(multiply(x.narrow(0, b, 1)));
  return torch::cat(parts, 0);
}

torch::Tensor matmul_per_sequence(const torch::Tensor& a, const torch::Tensor& b) {
  if (!sequence_wise_products || a.dim() < 3 || a.size(0) <= 1 || b.size(0) != a.size(0)) return torch::matmul(a, b);
  std::vector<torch::Tensor> parts;
  parts.reserve(static_cast<std::size_t>(a.size(0)));
  for (std::int64_t i = 0; i < a.size(0); ++i) parts.push_back(torch::matmul(a.narrow(0, i, 1), b.narrow(0, i, 1)));
  return torch::cat(parts, 0);
}

torch::Tensor linear_per_sequence(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  return multiply_per_sequence(x, [&](const torch::Tensor& part) { return torch::nn::functional::linear(part, weight, bias); });
}

torch::Tensor LinearImpl::forward(const torch::Tensor& input) {
  return multiply_per_sequence(input, [this](const torch::Tensor& x) {
    if (!packed_) return torch::nn::LinearImpl::forward(x);
    return int8_linear(x, *packed_);
  });
}

void LinearImpl::quantize_int8() { packed_ = pack_int8_linear(weight, bias); }

std::size_t quantize_linear_layers(torch::nn::Module& module) {
  std::size_t n = 0;
  for (const auto& m : module.modules(/*include_self=*/true)) {
    if (auto* layer = dynamic_cast<Int8Quantizable*>(m.get())) {
      for (const auto& p : m->parameters(false)) {
        if (!p.device().is_cpu()) throw InputError("--precision int8 runs on the CPU only (dynamic quantization)");
      }
      layer->quantize_int8();
      ++n;
    }
  }
  return n;
}

}  // namespace frugal
