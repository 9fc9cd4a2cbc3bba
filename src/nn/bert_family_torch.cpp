#include "nn/bert_family_torch.h"

#include <stdexcept>

#include "core/error.h"
#include "core/strings.h"
#include "nn/model_dir_torch.h"

namespace frugal {
namespace {

class BertFamilyModel : public FamilyModel {
 public:
  BertFamilyModel(Architecture arch, BertConfig config, std::int64_t max_span_length)
      : arch_(std::move(arch)), config_(std::move(config)), max_span_length_(max_span_length) {
    if (arch_ == kBertModel) module_ = BertModel(config_, true).ptr();
    if (arch_ == kBertForMaskedLM) module_ = BertForMaskedLM(config_).ptr();
    if (arch_ == kBertForSequenceClassification) module_ = BertForSequenceClassification(config_).ptr();
    if (arch_ == kBertForQuestionAnswering) module_ = BertForQuestionAnswering(config_).ptr();
    if (arch_ == kBertForAnswerSpans) module_ = BertForAnswerSpans(config_, max_span_length_).ptr();
  }

  std::shared_ptr<torch::nn::Module> module() const override { return module_; }
  void init_weights() override { init_bert_weights(*module_, config_); }
  std::int64_t vocab_size() const override { return config_.vocab_size; }
  std::int64_t max_positions() const override { return config_.max_position_embeddings; }
  std::int64_t pad_token_id() const override { return config_.pad_token_id; }
  std::int64_t type_vocab_size() const override { return config_.type_vocab_size; }
  std::string base_prefix() const override { return "bert."; }
  bool tolerated_extra(const std::string& name) const override {
    return ends_with(name, "cls.predictions.decoder.weight") || ends_with(name, "cls.predictions.decoder.bias") ||
           ends_with(name, "embeddings.position_ids") || ends_with(name, "embeddings.token_type_ids");
  }

  NamedOutputs forward(const ModelBatch& batch) override {
    const auto& ids = batch.input_ids;
    const auto types = batch.token_type_ids.defined() ? batch.token_type_ids : torch::zeros_like(ids);
    const auto mask = batch.attention_mask.defined() ? batch.attention_mask : torch::ones_like(ids);
    NamedOutputs out;
    if (arch_ == kBertModel) {
      auto m = std::static_pointer_cast<BertModelImpl>(module_);
      const auto hidden = m->forward(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("pooler_output", m->pool(hidden));
    } else if (arch_ == kBertForMaskedLM) {
      auto m = std::static_pointer_cast<BertForMaskedLMImpl>(module_);
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", m->from_hidden(hidden));
    } else if (arch_ == kBertForSequenceClassification) {
      auto m = std::static_pointer_cast<BertForSequenceClassificationImpl>(module_);
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", m->from_hidden(hidden));
    } else if (arch_ == kBertForQuestionAnswering) {
      auto m = std::static_pointer_cast<BertForQuestionAnsweringImpl>(module_);
      const auto hidden = m->bert(ids, types, mask, batch.lexical_match);
      const auto logits = m->from_hidden(hidden);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("start_logits", logits.start);
      out.emplace_back("end_logits", logits.end);
    } else if (arch_ == kBertForAnswerSpans) {
      auto m = std::static_pointer_cast<BertForAnswerSpansImpl>(module_);
      auto allowed = batch.allowed;
      if (!allowed.defined()) {
        const bool has_context = types.eq(1).any().item<bool>();
        allowed = (has_context ? types.eq(1) : torch::ones_like(ids, torch::kBool)) & mask.to(torch::kBool);
      }
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("span_logits", m->from_hidden(hidden, allowed));
    }
    return out;
  }

  const BertConfig& config() const { return config_; }
  std::int64_t max_span_length() const { return max_span_length_; }

 private:
  Architecture arch_;
  BertConfig config_;
  std::int64_t max_span_length_;
  std::shared_ptr<torch::nn::Module> module_;
};

const BertFamilyModel& bert_model(const Model& model) {
  const auto* m = dynamic_cast<const BertFamilyModel*>(&model.family_model());
  if (m == nullptr) throw std::invalid_argument(model.architecture() + " is not a BERT-family model");
  return *m;
}

}  // namespace

ModelFamily bert_family() {
  ModelFamily family;
  family.model_type = "bert";
  family.architectures = {kBertModel, kBertForMaskedLM, kBertForSequenceClassification, kBertForQuestionAnswering,
                          kBertForAnswerSpans};
  family.name = "bert";
  family.heads = {{"mlm", kBertForMaskedLM},
                  {"base", kBertModel},
                  {"cls", kBertForSequenceClassification},
                  {"qa", kBertForQuestionAnswering},
                  {"spans", kBertForAnswerSpans}};
  family.build = [](const Architecture& arch, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    const auto config = BertConfig::parse(j.dump(), config_name);
    std::int64_t max_span_length = 30;
    if (arch == kBertForAnswerSpans) {
      if (j.contains("max_span_length") && !j["max_span_length"].is_number_integer()) {
        throw InputError(InputLocation{config_name, 0, 0, "max_span_length"}, "wrong type");
      }
      max_span_length = j.value("max_span_length", std::int64_t{30});
      if (max_span_length < 1) throw InputError(InputLocation{config_name, 0, 0, "max_span_length"}, "must be at least 1");
      j["max_span_length"] = max_span_length;
    }
    return std::make_unique<BertFamilyModel>(arch, config, max_span_length);
  };
  return family;
}

const BertConfig& bert_config_of(const Model& model) { return bert_model(model).config(); }
std::int64_t max_span_length_of(const Model& model) { return bert_model(model).max_span_length(); }

}  // namespace frugal
