#pragma once
// safetensors <-> torch tensors (names and layouts as HF writes them).
#include <torch/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace frugal {

// Every tensor of the file, in file order, copied out of the mapping onto `device`.
std::vector<std::pair<std::string, torch::Tensor>> load_safetensors(const std::string& path,
                                                                    torch::Device device = torch::kCPU);

// Writes the tensors (any device; made contiguous on the CPU first) atomically.
void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace frugal
