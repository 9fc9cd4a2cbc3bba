#include "nn/safetensors_torch.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nn/safetensors.h"

namespace frugal {
namespace {

torch::Dtype torch_dtype(SafeDtype d) {
  switch (d) {
    case SafeDtype::F64: return torch::kFloat64;
    case SafeDtype::F32: return torch::kFloat32;
    case SafeDtype::F16: return torch::kFloat16;
    case SafeDtype::BF16: return torch::kBFloat16;
    case SafeDtype::I64: return torch::kInt64;
    case SafeDtype::I32: return torch::kInt32;
    case SafeDtype::I16: return torch::kInt16;
    case SafeDtype::I8: return torch::kInt8;
    case SafeDtype::U8: return torch::kUInt8;
    case SafeDtype::BOOL: return torch::kBool;
  }
  return torch::kFloat32;
}

SafeDtype safe_dtype(torch::Dtype d, const std::string& name) {
  switch (d) {
    case torch::kFloat64: return SafeDtype::F64;
    case torch::kFloat32: return SafeDtype::F32;
    case torch::kFloat16: return SafeDtype::F16;
    case torch::kBFloat16: return SafeDtype::BF16;
    case torch::kInt64: return SafeDtype::I64;
    case torch::kInt32: return SafeDtype::I32;
    case torch::kInt16: return SafeDtype::I16;
    case torch::kInt8: return SafeDtype::I8;
    case torch::kUInt8: return SafeDtype::U8;
    case torch::kBool: return SafeDtype::BOOL;
    default: break;
  }
  throw std::invalid_argument("safetensors: tensor '" + name + "' has a dtype safetensors cannot store");
}

}  // namespace

std::vector<std::pair<std::string, torch::Tensor>> load_safetensors(const std::string& path, torch::Device device) {
  const auto file = SafetensorsFile::open(path);
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& t : file.tensors()) {
    // safetensors data is little-endian and packed, like this host's memory; from_blob views
    // the mapping, clone() copies it before the mapping goes away.
    auto view = torch::from_blob(const_cast<std::uint8_t*>(t.data), t.shape, torch::TensorOptions().dtype(torch_dtype(t.dtype)));
    out.emplace_back(t.name, view.clone().to(device));
  }
  return out;
}

void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> host;  // keeps the contiguous CPU copies alive while writing
  std::vector<SafeTensorData> data;
  for (const auto& [name, tensor] : tensors) {
    host.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const auto& h = host.back();
    SafeTensorData d{name, safe_dtype(h.scalar_type(), name), std::vector<std::int64_t>(h.sizes().begin(), h.sizes().end()),
                     std::string_view(static_cast<const char*>(h.data_ptr()), static_cast<std::size_t>(h.nbytes()))};
    data.push_back(std::move(d));
  }
  write_safetensors(path, std::move(data), metadata);
}

}  // namespace frugal
