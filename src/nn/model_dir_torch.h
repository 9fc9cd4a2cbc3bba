#pragma once
// A model directory as HF writes one: config.json (model_type, architectures, sizes) and
// model.safetensors with HF parameter names. frugal::Model finds the family that builds the
// config's architecture (nn/model_family_torch.h), loads and saves weights, and runs a forward
// pass that returns named outputs.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/model_family_torch.h"

namespace frugal {

struct LoadReport {
  std::vector<std::string> missing;     // model parameters the file did not have (left as initialised)
  std::vector<std::string> unexpected;  // file tensors the model has no place for (ignored)
};

class Model {
 public:
  // A fresh model with HF's initialisation, seeded by `seed`.
  Model(Architecture arch, const std::string& config_json, const std::string& config_name, std::uint64_t seed);

  // Reads DIR/config.json and DIR/model.safetensors. strict: every parameter must be in the
  // file (tied copies and HF's buffers are tolerated). `arch` overrides config's architectures,
  // e.g. a QA model initialised from an MLM checkpoint (then not strict).
  static Model load(const std::string& dir, torch::Device device = torch::kCPU);
  // overrides: config fields to change, e.g. {"type_vocab_size": 3} to add a token-type table
  // (then freshly initialised, and listed in report->missing).
  static Model load_as(const std::string& dir, Architecture arch, torch::Device device, LoadReport* report,
                       const std::string& overrides_json = "{}");

  // Writes DIR/config.json and DIR/model.safetensors (atomically each; parameters in fp32
  // unless `dtype` says otherwise). Tied weights are written once, as HF does.
  void save(const std::string& dir, torch::ScalarType dtype = torch::kFloat32) const;
  LoadReport load_weights(const std::string& safetensors_path, bool strict);

  // Named outputs: last_hidden_state and, by head, logits / start_logits + end_logits /
  // span_logits (the family's forward). Runs under whatever grad / autocast mode the caller set.
  std::vector<std::pair<std::string, torch::Tensor>> forward(const ModelBatch& batch);

  const Architecture& architecture() const { return arch_; }
  const std::string& config_json() const { return config_json_; }
  std::int64_t vocab_size() const;
  std::int64_t max_positions() const;
  // InputError "--max-length N exceeds the model's P positions" (checked before any work).
  void check_length(std::size_t max_length, const std::string& option = "--max-length") const;
  std::int64_t pad_token_id() const;
  std::shared_ptr<torch::nn::Module> module() const { return impl_->module(); }
  const FamilyModel& family_model() const { return *impl_; }
  std::int64_t parameter_count() const;
  void to(torch::Device device, torch::ScalarType dtype);

 private:
  Model() = default;
  void build(Architecture arch, const std::string& config_json, const std::string& config_name);

  Architecture arch_;
  std::string config_json_;
  std::shared_ptr<FamilyModel> impl_;
};

}  // namespace frugal
