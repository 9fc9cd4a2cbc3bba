#include "nn/model_dir_torch.h"

#include <fmt/format.h>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/config_json.h"
#include "nn/safetensors_torch.h"

namespace frugal {
namespace {

const std::vector<std::pair<Architecture, std::string>>& architecture_names() {
  static const std::vector<std::pair<Architecture, std::string>> names = {
      {Architecture::kBertModel, "BertModel"},
      {Architecture::kBertForMaskedLM, "BertForMaskedLM"},
      {Architecture::kBertForSequenceClassification, "BertForSequenceClassification"},
      {Architecture::kBertForQuestionAnswering, "BertForQuestionAnswering"},
      {Architecture::kBertForAnswerSpans, "FrugalBertForAnswerSpans"},
      {Architecture::kGpt2Model, "GPT2Model"},
      {Architecture::kGpt2LMHeadModel, "GPT2LMHeadModel"},
  };
  return names;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Tensors HF checkpoints may hold that frugal derives or does not need: tied copies of the
// embeddings, attention-mask buffers, position-id buffers.
bool tolerated_extra(const std::string& name) {
  return name == "lm_head.weight" || ends_with(name, "cls.predictions.decoder.weight") ||
         ends_with(name, "cls.predictions.decoder.bias") || ends_with(name, ".attn.bias") ||
         ends_with(name, ".attn.masked_bias") || ends_with(name, "embeddings.position_ids") ||
         ends_with(name, "embeddings.token_type_ids");
}

}  // namespace

std::string architecture_name(Architecture a) {
  for (const auto& [arch, name] : architecture_names()) {
    if (arch == a) return name;
  }
  return "?";
}

Architecture parse_architecture(const std::string& name, const std::string& where) {
  std::string known;
  for (const auto& [arch, n] : architecture_names()) {
    if (n == name) return arch;
    known += (known.empty() ? "" : ", ") + n;
  }
  throw InputError(InputLocation{where, 0, 0, "architectures"}, "unsupported architecture '" + name + "' (supported: " + known + ")");
}

bool is_gpt2(Architecture a) { return a == Architecture::kGpt2Model || a == Architecture::kGpt2LMHeadModel; }

Model::Model(Architecture arch, const std::string& config_json, const std::string& config_name, std::uint64_t seed) {
  torch::manual_seed(seed);
  build(arch, config_json, config_name);
  if (is_gpt2(arch)) {
    init_gpt2_weights(*module_, gpt2_config);
  } else {
    init_bert_weights(*module_, bert_config);
  }
}

void Model::build(Architecture arch, const std::string& config_json, const std::string& config_name) {
  arch_ = arch;
  auto j = parse_config_json(config_json, config_name);
  const std::string type = j.value("model_type", std::string(is_gpt2(arch) ? "gpt2" : "bert"));
  if ((type == "gpt2") != is_gpt2(arch)) {
    throw InputError(InputLocation{config_name}, "model_type '" + type + "' does not fit " + architecture_name(arch));
  }
  j["model_type"] = type;
  j["architectures"] = nlohmann::json::array({architecture_name(arch)});
  switch (arch) {
    case Architecture::kGpt2Model:
    case Architecture::kGpt2LMHeadModel:
      gpt2_config = Gpt2Config::parse(config_json, config_name);
      if (arch == Architecture::kGpt2Model) {
        module_ = Gpt2Model(gpt2_config).ptr();
      } else {
        module_ = Gpt2LMHeadModel(gpt2_config).ptr();
      }
      break;
    default:
      bert_config = BertConfig::parse(config_json, config_name);
      if (arch == Architecture::kBertModel) module_ = BertModel(bert_config, true).ptr();
      if (arch == Architecture::kBertForMaskedLM) module_ = BertForMaskedLM(bert_config).ptr();
      if (arch == Architecture::kBertForSequenceClassification) module_ = BertForSequenceClassification(bert_config).ptr();
      if (arch == Architecture::kBertForQuestionAnswering) module_ = BertForQuestionAnswering(bert_config).ptr();
      if (arch == Architecture::kBertForAnswerSpans) {
        if (j.contains("max_span_length") && !j["max_span_length"].is_number_integer()) {
          throw InputError(InputLocation{config_name, 0, 0, "max_span_length"}, "wrong type");
        }
        max_span_length_ = j.value("max_span_length", std::int64_t{30});
        if (max_span_length_ < 1) throw InputError(InputLocation{config_name, 0, 0, "max_span_length"}, "must be at least 1");
        j["max_span_length"] = max_span_length_;
        module_ = BertForAnswerSpans(bert_config, max_span_length_).ptr();
      }
  }
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
  m.build(parse_architecture(j["architectures"][0].get<std::string>(), config_path), text, config_path);
  m.load_weights(dir + "/model.safetensors", /*strict=*/true);
  m.module_->to(device);
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
  m.module_->to(device);
  return m;
}

LoadReport Model::load_weights(const std::string& path, bool strict) {
  if (!std::filesystem::exists(path)) throw InputError(InputLocation{path}, "no such weights file");
  auto params = module_->named_parameters();
  std::set<std::string> wanted;
  for (const auto& p : params) wanted.insert(p.key());
  const std::string base_prefix = is_gpt2(arch_) ? "transformer." : "bert.";
  LoadReport report;
  std::set<std::string> loaded;
  torch::NoGradGuard no_grad;
  for (const auto& [file_name, tensor] : load_safetensors(path)) {
    // HF adds or strips the base-model prefix when a checkpoint moves between heads.
    std::string name = file_name;
    if (!wanted.count(name) && wanted.count(base_prefix + name)) name = base_prefix + name;
    if (!wanted.count(name) && starts_with(name, base_prefix) && wanted.count(name.substr(base_prefix.size()))) {
      name = name.substr(base_prefix.size());
    }
    if (!wanted.count(name)) {
      if (!tolerated_extra(file_name)) report.unexpected.push_back(file_name);
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
  for (const auto& p : module_->named_parameters()) {
    tensors.emplace_back(p.key(), p.value().detach().to(torch::kCPU, dtype));
  }
  save_safetensors(dir + "/model.safetensors", tensors, {{"format", "pt"}});
  write_file_atomic(dir + "/config.json", config_json_);
}

std::vector<std::pair<std::string, torch::Tensor>> Model::forward(const ModelBatch& batch) {
  const auto& ids = batch.input_ids;
  const auto types = batch.token_type_ids.defined() ? batch.token_type_ids : torch::zeros_like(ids);
  const auto mask = batch.attention_mask.defined() ? batch.attention_mask : torch::ones_like(ids);
  std::vector<std::pair<std::string, torch::Tensor>> out;
  if (is_gpt2(arch_)) {
    Gpt2Inputs in{ids, batch.token_type_ids, {}, batch.attention_mask};
    if (arch_ == Architecture::kGpt2Model) {
      out.emplace_back("last_hidden_state", std::static_pointer_cast<Gpt2ModelImpl>(module_)->forward(in));
    } else {
      auto lm = std::static_pointer_cast<Gpt2LMHeadModelImpl>(module_);
      const auto hidden = lm->transformer(in);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", lm->logits(hidden));
    }
    return out;
  }
  switch (arch_) {
    case Architecture::kBertModel: {
      auto m = std::static_pointer_cast<BertModelImpl>(module_);
      const auto hidden = m->forward(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("pooler_output", m->pool(hidden));
      break;
    }
    case Architecture::kBertForMaskedLM: {
      auto m = std::static_pointer_cast<BertForMaskedLMImpl>(module_);
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", m->from_hidden(hidden));
      break;
    }
    case Architecture::kBertForSequenceClassification: {
      auto m = std::static_pointer_cast<BertForSequenceClassificationImpl>(module_);
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("logits", m->from_hidden(hidden));
      break;
    }
    case Architecture::kBertForQuestionAnswering: {
      auto m = std::static_pointer_cast<BertForQuestionAnsweringImpl>(module_);
      const auto hidden = m->bert(ids, types, mask);
      const auto logits = m->from_hidden(hidden);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("start_logits", logits.start);
      out.emplace_back("end_logits", logits.end);
      break;
    }
    case Architecture::kBertForAnswerSpans: {
      auto m = std::static_pointer_cast<BertForAnswerSpansImpl>(module_);
      auto allowed = batch.allowed;
      if (!allowed.defined()) {
        const bool has_context = types.eq(1).any().item<bool>();
        allowed = (has_context ? types.eq(1) : torch::ones_like(ids, torch::kBool)) & mask.to(torch::kBool);
      }
      const auto hidden = m->bert(ids, types, mask);
      out.emplace_back("last_hidden_state", hidden);
      out.emplace_back("span_logits", m->from_hidden(hidden, allowed));
      break;
    }
    default:
      break;
  }
  return out;
}

std::int64_t Model::vocab_size() const { return is_gpt2(arch_) ? gpt2_config.vocab_size : bert_config.vocab_size; }
std::int64_t Model::max_positions() const {
  return is_gpt2(arch_) ? gpt2_config.n_positions : bert_config.max_position_embeddings;
}

void Model::check_length(std::size_t max_length, const std::string& option) const {
  if (static_cast<std::int64_t>(max_length) > max_positions()) {
    throw InputError(fmt::format("{} {} exceeds the model's {} positions", option, max_length, max_positions()));
  }
}
std::int64_t Model::pad_token_id() const {
  // GPT-2 has no pad token; padding positions are masked, so any id in range will do.
  const auto id = is_gpt2(arch_) ? gpt2_config.eos_token_id : bert_config.pad_token_id;
  return id >= 0 && id < vocab_size() ? id : 0;
}

std::int64_t Model::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : module_->parameters()) n += p.numel();
  return n;
}

void Model::to(torch::Device device, torch::ScalarType dtype) { module_->to(device, dtype); }

}  // namespace frugal
