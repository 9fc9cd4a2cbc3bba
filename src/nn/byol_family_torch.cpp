#include "nn/byol_family_torch.h"
#include "nn/linear_torch.h"

#include <fmt/format.h>

#include "core/error.h"
#include "nn/config_json.h"
#include "nn/image_config.h"
#include "nn/image_model_torch.h"
#include "nn/model_dir_torch.h"

namespace frugal {
namespace {

struct ByolConfig {
  Architecture backbone_arch;
  nlohmann::json backbone;
  std::int64_t hidden = 4096, projection = 256;
  std::string norm = "layer_norm";
};

ByolConfig parse_byol_config(const nlohmann::json& j, const std::string& name) {
  ByolConfig c;
  if (!j.contains("backbone") || !j["backbone"].is_object()) throw InputError(InputLocation{name, 0, 0, "backbone"}, "the backbone's config object is needed");
  c.backbone = j["backbone"];
  const auto& arch = c.backbone["architectures"];
  if (!arch.is_array() || arch.empty() || !arch[0].is_string()) {
    throw InputError(InputLocation{name, 0, 0, "backbone.architectures"}, "the backbone names no architecture");
  }
  c.backbone_arch = arch[0].get<std::string>();
  if (c.backbone_arch == kByolModel) throw InputError(InputLocation{name, 0, 0, "backbone.architectures"}, "a BYOL model cannot be its own backbone");
  config_field(j, "projection_hidden_size", c.hidden, name);
  config_field(j, "projection_size", c.projection, name);
  config_field(j, "projector_norm", c.norm, name);
  for (const auto& [key, v] : {std::pair<const char*, std::int64_t>{"projection_hidden_size", c.hidden}, {"projection_size", c.projection}}) {
    if (v <= 0 || v > 1 << 16) throw InputError(InputLocation{name, 0, 0, key}, "must be in [1, 65536]");
  }
  if (c.norm != "layer_norm" && c.norm != "batch_norm" && c.norm != "none") {
    throw InputError(InputLocation{name, 0, 0, "projector_norm"}, "must be layer_norm, batch_norm or none");
  }
  return c;
}

torch::nn::Sequential mlp(std::int64_t in, const ByolConfig& c) {
  torch::nn::Sequential s;
  s->push_back(Linear(in, c.hidden));
  if (c.norm == "layer_norm") s->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden})));
  else if (c.norm == "batch_norm") s->push_back(torch::nn::BatchNorm1d(c.hidden));
  else s->push_back(torch::nn::Identity());
  s->push_back(torch::nn::ReLU());
  s->push_back(Linear(c.hidden, c.projection));
  return s;
}

struct Branch {
  std::unique_ptr<FamilyModel> backbone;
  std::shared_ptr<torch::nn::Module> holder;
  torch::nn::Sequential projector{nullptr};
};

class ByolFamilyModel : public FamilyModel {
 public:
  ByolFamilyModel(ByolConfig config, const std::string& name) : config_(std::move(config)) {
    module_ = std::make_shared<torch::nn::Module>("FrugalByolModel");
    const std::string where = name + ": backbone";
    const auto& family = family_of(config_.backbone_arch, where);
    for (auto* branch : {&online_, &target_}) {
      auto j = config_.backbone;
      branch->backbone = family.build(config_.backbone_arch, j, where);
      config_.backbone = j;
      branch->holder = std::make_shared<torch::nn::Module>();
      branch->holder->register_module("backbone", branch->backbone->module());
      // The projector's input size: one forward of a zero image through the fresh backbone.
      if (feature_size_ == 0) {
        torch::NoGradGuard no_grad;
        const auto spec = parse_image_input(j, where);
        branch->backbone->module()->eval();
        ModelBatch probe;
        probe.pixel_values = torch::zeros({1, spec.channels, spec.height, spec.width});
        feature_size_ = named_output(branch->backbone->forward(probe), "pooler_output").size(1);
        branch->backbone->module()->train();
      }
      branch->projector = branch->holder->register_module("projector", mlp(feature_size_, config_));
    }
    module_->register_module("online", online_.holder);
    predictor_ = module_->register_module("predictor", mlp(config_.projection, config_));
    module_->register_module("target", target_.holder);
    for (auto& p : target_.holder->parameters()) p.set_requires_grad(false);
  }

  std::shared_ptr<torch::nn::Module> module() const override { return module_; }
  void init_weights() override {
    online_.backbone->init_weights();
    init_image_weights(*online_.projector);
    init_image_weights(*predictor_);
    copy_online_to_target();
  }
  NamedOutputs forward(const ModelBatch& batch) override {
    ModelBatch b;
    b.pixel_values = batch.pixel_values;
    const auto representation = named_output(online_.backbone->forward(b), "pooler_output");
    const auto projections = online_.projector->forward(representation);
    const auto predictions = predictor_->forward(projections);
    torch::Tensor target;
    {
      torch::NoGradGuard no_grad;
      target = target_.projector->forward(named_output(target_.backbone->forward(b), "pooler_output")).detach();
    }
    return {{"online_predictions", predictions}, {"target_projections", target}, {"online_projections", projections},
            {"online_representations", representation}};
  }
  std::int64_t vocab_size() const override { return 0; }
  std::int64_t max_positions() const override { return 0; }
  std::int64_t pad_token_id() const override { return 0; }
  std::int64_t type_vocab_size() const override { return 1; }
  bool saves_buffers() const override { return online_.backbone->saves_buffers() || config_.norm == "batch_norm"; }

  void update_target(double tau) {
    torch::NoGradGuard no_grad;
    const auto online = online_.holder->parameters(), target = target_.holder->parameters();
    for (std::size_t i = 0; i < online.size(); ++i) target[i].mul_(tau).add_(online[i].detach(), 1.0 - tau);
  }
  const ByolConfig& config() const { return config_; }
  torch::nn::Module& online_backbone() const { return *online_.backbone->module(); }

 private:
  void copy_online_to_target() {
    torch::NoGradGuard no_grad;
    const auto online = online_.holder->parameters(), target = target_.holder->parameters();
    for (std::size_t i = 0; i < online.size(); ++i) target[i].copy_(online[i]);
    const auto ob = online_.holder->buffers(), tb = target_.holder->buffers();
    for (std::size_t i = 0; i < ob.size(); ++i) tb[i].copy_(ob[i]);
  }

  ByolConfig config_;
  std::shared_ptr<torch::nn::Module> module_;
  Branch online_, target_;
  torch::nn::Sequential predictor_{nullptr};
  std::int64_t feature_size_ = 0;
};

ByolFamilyModel& byol_of(const Model& model) {
  auto* impl = dynamic_cast<const ByolFamilyModel*>(&model.family_model());
  if (impl == nullptr) throw std::invalid_argument("not a BYOL model: " + model.architecture());
  return const_cast<ByolFamilyModel&>(*impl);
}

}  // namespace

ModelFamily byol_family() {
  ModelFamily family;
  family.model_type = "frugal_byol";
  family.architectures = {kByolModel};
  family.name = "byol";
  family.heads = {{"byol", kByolModel}};
  family.build = [](const Architecture&, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    auto model = std::make_unique<ByolFamilyModel>(parse_byol_config(j, config_name), config_name);
    j["backbone"] = model->config().backbone;
    j["projection_hidden_size"] = model->config().hidden;
    j["projection_size"] = model->config().projection;
    j["projector_norm"] = model->config().norm;
    return model;
  };
  return family;
}

void update_byol_target(Model& byol, double tau) { byol_of(byol).update_target(tau); }

Model byol_backbone(const Model& byol) {
  const auto& impl = byol_of(byol);
  const auto& c = impl.config();
  Model backbone(c.backbone_arch, c.backbone.dump(), "BYOL backbone", 0);
  copy_all_tensors(impl.online_backbone(), *backbone.module());
  backbone.module()->to(impl.online_backbone().parameters().front().device());
  return backbone;
}

}  // namespace frugal
