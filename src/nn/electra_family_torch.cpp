#include "nn/electra_family_torch.h"

#include <fmt/format.h>

#include "core/error.h"
#include "nn/activation_torch.h"
#include "nn/bert_family_torch.h"
#include "nn/config_json.h"
#include "nn/image_model_torch.h"
#include "nn/linear_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/norm_torch.h"

namespace frugal {
namespace {

// Fields the generator always takes from the discriminator (shared embeddings).
constexpr const char* kSharedFields[] = {"vocab_size", "max_position_embeddings", "type_vocab_size", "pad_token_id"};

struct ElectraConfig {
  nlohmann::json discriminator_json, generator_json;
  BertConfig discriminator, generator;
};

ElectraConfig parse_electra_config(const nlohmann::json& j, const std::string& name) {
  for (const char* key : {"discriminator", "generator"}) {
    if (j.contains(key) && !j[key].is_object()) throw InputError(InputLocation{name, 0, 0, key}, "must be an object");
  }
  if (!j.contains("discriminator")) throw InputError(InputLocation{name, 0, 0, "discriminator"}, "the discriminator's BERT config is needed");
  ElectraConfig c;
  c.discriminator_json = j["discriminator"];
  c.discriminator_json["model_type"] = "bert";
  c.discriminator_json.erase("architectures");
  c.discriminator = BertConfig::parse(c.discriminator_json.dump(), name + ": discriminator");
  if (c.discriminator.lexical_match_types != 0) {
    throw InputError(InputLocation{name, 0, 0, "discriminator.lexical_match_types"}, "is a QA feature, not for pretraining");
  }
  const auto generator = j.value("generator", nlohmann::json::object());
  const auto disc_fields = nlohmann::json::parse(c.discriminator.to_json());
  for (const char* key : kSharedFields) {
    if (generator.contains(key) && generator[key] != disc_fields[key]) {
      throw InputError(InputLocation{name, 0, 0, std::string("generator.") + key}, "must equal the discriminator's (shared embeddings)");
    }
  }
  c.generator_json = electra_config(c.discriminator_json, generator)["generator"];
  c.generator = BertConfig::parse(c.generator_json.dump(), name + ": generator");
  return c;
}

struct ElectraModuleImpl : torch::nn::Module {
  explicit ElectraModuleImpl(const ElectraConfig& c) : config(c) {
    discriminator = register_module("discriminator", BertModel(c.discriminator, /*add_pooling_layer=*/true));
    auto head = register_module("discriminator_predictions", std::make_shared<torch::nn::Module>());
    disc_dense = head->register_module("dense", Linear(c.discriminator.hidden_size, c.discriminator.hidden_size));
    disc_prediction = head->register_module("dense_prediction", Linear(c.discriminator.hidden_size, 1));
    auto g = register_module("generator", std::make_shared<torch::nn::Module>());
    if (c.generator.hidden_size != c.discriminator.hidden_size) {
      project = g->register_module("embeddings_project", Linear(c.discriminator.hidden_size, c.generator.hidden_size));
    }
    auto encoder = g->register_module("encoder", std::make_shared<torch::nn::Module>());
    generator_layers = encoder->register_module("layer", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < c.generator.num_hidden_layers; ++i) generator_layers->push_back(BertLayer(c.generator));
    auto predictions = g->register_module("generator_predictions", std::make_shared<torch::nn::Module>());
    gen_dense = predictions->register_module("dense", Linear(c.generator.hidden_size, c.discriminator.hidden_size));
    gen_norm = predictions->register_module("LayerNorm", bert_layer_norm(c.discriminator));
    auto lm_head = g->register_module("generator_lm_head", std::make_shared<torch::nn::Module>());
    gen_bias = lm_head->register_parameter("bias", torch::zeros({c.discriminator.vocab_size}));
  }

  torch::Tensor generator_logits(const ModelBatch& b, const torch::Tensor& where) {
    auto hidden = discriminator->embeddings(b.input_ids, b.token_type_ids);
    if (project) hidden = project(hidden);
    const auto mask_bias = attention_mask_bias(b.attention_mask, hidden.scalar_type());
    hidden = run_bert_layers(generator_layers, hidden, mask_bias);
    const auto selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, where);
    const auto h = norm_fp32(*gen_norm, apply_activation(gen_dense(selected), config.generator.hidden_act));
    return torch::nn::functional::linear(h, discriminator->embeddings->word_embeddings->weight, gen_bias);
  }

  std::pair<torch::Tensor, torch::Tensor> discriminate(const ModelBatch& b) {
    const auto hidden = discriminator(b.input_ids, b.token_type_ids, b.attention_mask);
    const auto h = apply_activation(disc_dense(hidden), config.discriminator.hidden_act);
    return {hidden, disc_prediction(h).squeeze(-1)};
  }

  ElectraConfig config;
  BertModel discriminator{nullptr};
  Linear disc_dense{nullptr}, disc_prediction{nullptr}, project{nullptr}, gen_dense{nullptr};
  torch::nn::ModuleList generator_layers{nullptr};
  torch::nn::LayerNorm gen_norm{nullptr};
  torch::Tensor gen_bias;
};
TORCH_MODULE(ElectraModule);

class ElectraFamilyModel : public FamilyModel, public ElectraParts {
 public:
  explicit ElectraFamilyModel(const ElectraConfig& c) : module_(ElectraModule(c)) {}
  std::shared_ptr<torch::nn::Module> module() const override { return module_.ptr(); }
  void init_weights() override { init_bert_weights(*module_, module_->config.discriminator); }
  NamedOutputs forward(const ModelBatch& batch) override {
    auto b = with_defaults(batch);
    auto [hidden, logits] = module_->discriminate(b);
    return {{"last_hidden_state", hidden}, {"logits", logits}};
  }
  std::int64_t vocab_size() const override { return module_->config.discriminator.vocab_size; }
  std::int64_t max_positions() const override { return module_->config.discriminator.max_position_embeddings; }
  std::int64_t pad_token_id() const override { return module_->config.discriminator.pad_token_id; }
  std::int64_t type_vocab_size() const override { return module_->config.discriminator.type_vocab_size; }

  torch::Tensor generator_logits(const ModelBatch& batch, const torch::Tensor& where) override {
    return module_->generator_logits(with_defaults(batch), where);
  }
  torch::Tensor discriminator_logits(const ModelBatch& batch) override { return module_->discriminate(with_defaults(batch)).second; }

  const ElectraConfig& config() const { return module_->config; }
  const BertModel& discriminator() const { return module_->discriminator; }

 private:
  static ModelBatch with_defaults(const ModelBatch& batch) {
    ModelBatch b = batch;
    if (!b.token_type_ids.defined()) b.token_type_ids = torch::zeros_like(b.input_ids);
    if (!b.attention_mask.defined()) b.attention_mask = torch::ones_like(b.input_ids);
    return b;
  }
  ElectraModule module_;
};

ElectraFamilyModel& electra_of(const Model& model) {
  auto* impl = dynamic_cast<const ElectraFamilyModel*>(&model.family_model());
  if (impl == nullptr) throw std::invalid_argument("not an ELECTRA model: " + model.architecture());
  return const_cast<ElectraFamilyModel&>(*impl);
}

}  // namespace

nlohmann::json electra_config(const nlohmann::json& discriminator, const nlohmann::json& generator) {
  nlohmann::json disc = discriminator;
  disc["model_type"] = "bert";
  disc.erase("architectures");
  const auto d = BertConfig::parse(disc.dump(), "discriminator config");
  nlohmann::json gen = disc;
  // ELECTRA-Small's generator: a quarter of the width, heads and FFN, all of the depth.
  const auto heads = std::max<std::int64_t>(1, d.num_attention_heads / 4);
  auto width = std::max<std::int64_t>(heads, d.hidden_size / 4);
  width -= width % heads;
  gen["hidden_size"] = width;
  gen["num_attention_heads"] = heads;
  gen["intermediate_size"] = std::max<std::int64_t>(1, d.intermediate_size / 4);
  if (!generator.is_null() && !generator.is_object()) throw InputError("the generator's config must be an object");
  if (generator.is_object()) gen.update(generator);
  for (const char* key : kSharedFields) {
    if (disc.contains(key)) gen[key] = disc[key];
  }
  return {{"model_type", "frugal_electra"}, {"discriminator", disc}, {"generator", gen}};
}

ModelFamily electra_family() {
  ModelFamily family;
  family.model_type = "frugal_electra";
  family.architectures = {kElectraForPreTraining};
  family.name = "electra";
  family.heads = {{"pretraining", kElectraForPreTraining}};
  family.build = [](const Architecture&, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    const auto c = parse_electra_config(j, config_name);
    j["discriminator"] = c.discriminator_json;
    j["generator"] = c.generator_json;
    return std::make_unique<ElectraFamilyModel>(c);
  };
  return family;
}

ElectraParts& electra_parts(Model& electra) { return electra_of(electra); }

Model electra_discriminator(const Model& electra) {
  const auto& impl = electra_of(electra);
  auto config = impl.config().discriminator_json;
  Model bert(kBertModel, config.dump(), "ELECTRA discriminator", 0);
  const auto& from = *impl.discriminator();
  copy_all_tensors(from, *bert.module());
  bert.module()->to(from.parameters().front().device());
  return bert;
}

}  // namespace frugal
