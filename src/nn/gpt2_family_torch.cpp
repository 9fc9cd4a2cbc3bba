#include "nn/gpt2_family_torch.h"

#include <stdexcept>

#include "core/strings.h"
#include "nn/model_dir_torch.h"

namespace frugal {
namespace {

class Gpt2FamilyModel : public FamilyModel {
 public:
  Gpt2FamilyModel(Architecture arch, Gpt2Config config) : arch_(std::move(arch)), config_(std::move(config)) {
    if (arch_ == kGpt2Model) {
      module_ = Gpt2Model(config_).ptr();
    } else {
      module_ = Gpt2LMHeadModel(config_).ptr();
    }
  }

  std::shared_ptr<torch::nn::Module> module() const override { return module_; }
  void init_weights() override { init_gpt2_weights(*module_, config_); }
  std::int64_t vocab_size() const override { return config_.vocab_size; }
  std::int64_t max_positions() const override { return config_.n_positions; }
  // GPT-2 has no pad token; padding positions are masked, so any id in range will do.
  std::int64_t pad_token_id() const override { return config_.eos_token_id; }
  // Without a table of their own, token types are embedded with wte, as HF's GPT2Model does.
  std::int64_t type_vocab_size() const override {
    return config_.type_vocab_size > 0 ? config_.type_vocab_size : config_.vocab_size;
  }
  std::string base_prefix() const override { return "transformer."; }
  bool tolerated_extra(const std::string& name) const override {
    return name == "lm_head.weight" || ends_with(name, ".attn.bias") || ends_with(name, ".attn.masked_bias");
  }

  NamedOutputs forward(const ModelBatch& batch) override {
    Gpt2Inputs in{batch.input_ids, batch.token_type_ids, {}, batch.attention_mask};
    NamedOutputs out;
    if (arch_ == kGpt2Model) {
      out.emplace_back("last_hidden_state", std::static_pointer_cast<Gpt2ModelImpl>(module_)->forward(in));
    } else {
      auto lm = std::static_pointer_cast<Gpt2LMHeadModelImpl>(module_);
      const auto hidden = lm->transformer(in);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", lm->logits(hidden));
    }
    return out;
  }

  const Gpt2Config& config() const { return config_; }

 private:
  Architecture arch_;
  Gpt2Config config_;
  std::shared_ptr<torch::nn::Module> module_;
};

}  // namespace

ModelFamily gpt2_family() {
  ModelFamily family;
  family.model_type = "gpt2";
  family.architectures = {kGpt2Model, kGpt2LMHeadModel};
  family.name = "gpt2";
  family.heads = {{"lm", kGpt2LMHeadModel}, {"base", kGpt2Model}};
  family.build = [](const Architecture& arch, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    return std::make_unique<Gpt2FamilyModel>(arch, Gpt2Config::parse(j.dump(), config_name));
  };
  return family;
}

const Gpt2Config& gpt2_config_of(const Model& model) {
  const auto* m = dynamic_cast<const Gpt2FamilyModel*>(&model.family_model());
  if (m == nullptr) throw std::invalid_argument(model.architecture() + " is not a GPT-2-family model");
  return m->config();
}

}  // namespace frugal
