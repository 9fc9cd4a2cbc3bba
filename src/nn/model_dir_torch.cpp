#include "nn/model_dir_torch.h"

#include <fmt/format.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/strings.h"
#include "nn/config_json.h"
#include "nn/safetensors_torch.h"

namespace frugal {

Model::Model(Architecture arch, const std::string& config_json, const std::string& config_name, std::uint64_t seed) {
  torch::manual_seed(seed);
  build(std::move(arch), config_json, config_name);
  impl_->init_weights();
}

void Model::build(Architecture arch, const std::string& config_json, const std::string& config_name) {
  const auto& family = family_of(arch, config_name);
  auto j = parse_config_json(config_json, config_name);
  const std::string type = j.value("model_type", family.model_type);
  if (type != family.model_type) {
    throw InputError(InputLocation{config_name}, "model_type '" + type + "' does not fit " + arch);
  }
  j["model_type"] = type;
  j["architectures"] = nlohmann::json::array({arch});
  impl_ = family.build(arch, j, config_name);
  arch_ = std::move(arch);
  config_json_ = j.dump(2) + "\n";
}

Model Model::load(const std::string& dir, torch::Device device) {
  const auto config_path = dir + "/config.json";
  if (!std::filesystem::exists(config_path)) throw InputError(InputLocation{config_path}, "no config.json in the model directory");
  const auto text = read_file(config_path);
  const auto j = parse_config_json(text, config_path);
  if (!j.contains("architectures") || !j["architectures"].is_array() || j["architectures"].empty() ||
      !j["architectures"][0].is_string()) {
    throw InputError(InputLocation{config_path, 0, 0, "architectures"}, "config.json names no architecture");
  }
  Model m;
  m.build(j["architectures"][0].get<std::string>(), text, config_path);
  m.load_weights(dir + "/model.safetensors", /*strict=*/true);
  m.module()->to(device);
  return m;
}

Model Model::load_as(const std::string& dir, Architecture arch, torch::Device device, LoadReport* report,
                     const std::string& overrides_json) {
  const auto config_path = dir + "/config.json";
  const auto text = read_file(config_path);
  auto j = parse_config_json(text, config_path);
  j.erase("architectures");
  j.update(parse_config_json(overrides_json, "config overrides"));
  Model m(arch, j.dump(), config_path, /*seed=*/0);
  const auto r = m.load_weights(dir + "/model.safetensors", /*strict=*/false);
  if (report != nullptr) *report = r;
  m.module()->to(device);
  return m;
}

LoadReport Model::load_weights(const std::string& path, bool strict) {
  if (!std::filesystem::exists(path)) throw InputError(InputLocation{path}, "no such weights file");
  auto params = module()->named_parameters();
  if (impl_->saves_buffers()) {
    for (const auto& b : module()->named_buffers()) params.insert(b.key(), b.value());
  }
  std::set<std::string> wanted;
  for (const auto& p : params) wanted.insert(p.key());
  const std::string base_prefix = impl_->base_prefix();
  LoadReport report;
  std::set<std::string> loaded;
  torch::NoGradGuard no_grad;
  for (const auto& [file_name, tensor] : load_safetensors(path)) {
    // HF adds or strips the base-model prefix when a checkpoint moves between heads.
    std::string name = file_name;
    if (!base_prefix.empty() && !wanted.count(name) && wanted.count(base_prefix + name)) name = base_prefix + name;
    if (!base_prefix.empty() && !wanted.count(name) && starts_with(name, base_prefix) && wanted.count(name.substr(base_prefix.size()))) {
      name = name.substr(base_prefix.size());
    }
    if (!wanted.count(name)) {
      if (!impl_->tolerated_extra(file_name)) report.unexpected.push_back(file_name);
      continue;
    }
    auto& target = params[name];
    if (target.sizes() != tensor.sizes()) {
      throw InputError(InputLocation{path, 0, 0, file_name},
                       "shape " + c10::str(tensor.sizes()) + " does not fit the model's " + c10::str(target.sizes()));
    }
    target.copy_(tensor);
    loaded.insert(name);
  }
  for (const auto& name : wanted) {
    if (!loaded.count(name)) report.missing.push_back(name);
  }
  if (strict && !report.missing.empty()) {
    throw InputError(InputLocation{path, 0, 0, report.missing.front()},
                     "missing from the checkpoint (" + std::to_string(report.missing.size()) + " parameters missing)");
  }
  if (strict && !report.unexpected.empty()) {
    throw InputError(InputLocation{path, 0, 0, report.unexpected.front()}, "tensor the model has no place for");
  }
  return report;
}

void Model::save(const std::string& dir, torch::ScalarType dtype) const {
  std::filesystem::create_directories(dir);
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& p : module()->named_parameters()) {
    tensors.emplace_back(p.key(), p.value().detach().to(torch::kCPU, dtype));
  }
  if (impl_->saves_buffers()) {
    for (const auto& b : module()->named_buffers()) {
      const auto& t = b.value();
      tensors.emplace_back(b.key(), t.detach().to(torch::kCPU, t.is_floating_point() ? dtype : t.scalar_type()));
    }
  }
  save_safetensors(dir + "/model.safetensors", tensors, {{"format", "pt"}});
  write_file_atomic(dir + "/config.json", config_json_);
}

std::vector<std::pair<std::string, torch::Tensor>> Model::forward(const ModelBatch& batch) { return impl_->forward(batch); }

std::int64_t Model::vocab_size() const { return impl_->vocab_size(); }
std::int64_t Model::max_positions() const { return impl_->max_positions(); }

void Model::check_length(std::size_t max_length, const std::string& option) const {
  if (static_cast<std::int64_t>(max_length) > max_positions()) {
    throw InputError(fmt::format("{} {} exceeds the model's {} positions", option, max_length, max_positions()));
  }
}
std::int64_t Model::pad_token_id() const {
  const auto id = impl_->pad_token_id();
  return id >= 0 && id < vocab_size() ? id : 0;
}

std::int64_t Model::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : module()->parameters()) n += p.numel();
  return n;
}

void Model::to(torch::Device device, torch::ScalarType dtype) { module()->to(device, dtype); }

}  // namespace frugal
