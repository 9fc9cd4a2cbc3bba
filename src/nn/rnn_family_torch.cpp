#include "nn/rnn_family_torch.h"

#include <limits>
#include <stdexcept>

#include "core/error.h"
#include "nn/model_dir_torch.h"
#include "nn/norm_torch.h"

namespace frugal {

namespace rnn_utils = torch::nn::utils::rnn;

RnnForSequenceClassificationImpl::RnnForSequenceClassificationImpl(const RnnConfig& c) : config(c) {
  embeddings = register_module("embeddings", std::make_shared<torch::nn::Module>());
  word_embeddings = embeddings->register_module("word_embeddings", torch::nn::Embedding(c.vocab_size, c.embedding_dim));
  rnn = register_module("rnn", torch::nn::ModuleList());
  std::int64_t in = c.embedding_dim;
  for (std::int64_t layer = 0; layer < c.num_layers; ++layer) {
    if (c.cell == "lstm") {
      rnn->push_back(torch::nn::LSTM(torch::nn::LSTMOptions(in, c.hidden_size).batch_first(true).bidirectional(c.bidirectional)));
    } else {
      rnn->push_back(torch::nn::GRU(torch::nn::GRUOptions(in, c.hidden_size).batch_first(true).bidirectional(c.bidirectional)));
    }
    in = c.output_size();
  }
  if (c.pooling == "attention") attention = register_module("attention", Linear(torch::nn::LinearOptions(in, 1).bias(false)));
  classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
  dense = classifier->register_module("dense", torch::nn::ModuleList());
  if (c.classifier_batch_norm) batch_norm = classifier->register_module("batch_norm", torch::nn::ModuleList());
  for (const auto width : c.classifier_hidden) {
    dense->push_back(Linear(in, width));
    if (c.classifier_batch_norm) batch_norm->push_back(torch::nn::BatchNorm1d(width));
    in = width;
  }
  out = classifier->register_module("out", Linear(in, c.num_labels));
  if (c.freeze_embeddings) word_embeddings->weight.set_requires_grad(false);
}

torch::Tensor RnnForSequenceClassificationImpl::locked_dropout(const torch::Tensor& x, double p) {
  if (!is_training() || p <= 0) return x;
  const auto keep = torch::empty({x.size(0), 1, x.size(2)}, x.options()).bernoulli_(1 - p).div_(1 - p);
  return x * keep;
}

torch::Tensor RnnForSequenceClassificationImpl::pool(const torch::Tensor& states, const torch::Tensor& mask,
                                                     const torch::Tensor& final_states) {
  const auto real = mask.to(torch::kBool).unsqueeze(-1);  // (batch, seq, 1)
  if (config.pooling == "last") {
    // (directions, batch, hidden) -> (batch, directions * hidden): the forward cell's state
    // after the last real token beside the backward cell's after the first.
    return final_states.transpose(0, 1).reshape({states.size(0), -1});
  }
  if (config.pooling == "max") return states.masked_fill(~real, -std::numeric_limits<float>::infinity()).amax(1);
  if (config.pooling == "mean") return (states * real).sum(1) / mask.sum(1, true).to(states.scalar_type());
  // attention: one learned vector scores every state; softmax over the real tokens (DeepMoji).
  const auto scores = attention(states).squeeze(-1).masked_fill(~real.squeeze(-1), -std::numeric_limits<float>::infinity());
  const auto weights = torch::softmax(scores.to(torch::kFloat32), 1).to(states.scalar_type());
  return (weights.unsqueeze(-1) * states).sum(1);
}

torch::Tensor RnnForSequenceClassificationImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  const auto mask = attention_mask.defined() ? attention_mask : torch::ones_like(input_ids);
  const auto lengths = mask.sum(1).to(torch::kCPU, torch::kLong).clamp_min(1);
  const auto seq = input_ids.size(1);
  auto x = locked_dropout(word_embeddings(input_ids), config.dropout);
  torch::Tensor final_states;
  for (std::size_t layer = 0; layer < rnn->size(); ++layer) {
    const auto packed = rnn_utils::pack_padded_sequence(x, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
    torch::Tensor padded;
    if (config.cell == "lstm") {
      auto [output, state] = rnn[layer]->as<torch::nn::LSTM>()->forward_with_packed_input(packed);
      padded = std::get<0>(rnn_utils::pad_packed_sequence(output, /*batch_first=*/true, 0.0, seq));
      final_states = std::get<0>(state);
    } else {
      auto [output, state] = rnn[layer]->as<torch::nn::GRU>()->forward_with_packed_input(packed);
      padded = std::get<0>(rnn_utils::pad_packed_sequence(output, /*batch_first=*/true, 0.0, seq));
      final_states = state;
    }
    x = padded;
    if (layer + 1 < rnn->size()) x = locked_dropout(x, config.dropout);
  }
  auto h = pool(x, mask, final_states);
  for (std::size_t k = 0; k < dense->size(); ++k) {
    h = dense[k]->as<Linear>()->forward(torch::dropout(h, config.classifier_dropout, is_training()));
    if (config.classifier_batch_norm) {
      auto& bn = *batch_norm[k]->as<torch::nn::BatchNorm1d>();
      // A training batch of one row has no batch statistics: use the running ones (eval mode's
      // path, which norm_fp32 takes in fp32 for half models).
      if (is_training() && h.size(0) > 1) {
        h = bn.forward(h);
      } else {
        const auto dt = fp32_if_half(h.scalar_type());
        h = torch::batch_norm(h.to(dt), bn.weight.to(dt), bn.bias.to(dt), bn.running_mean.to(dt), bn.running_var.to(dt), false, 0.0,
                              bn.options.eps(), false)
                .to(h.scalar_type());
      }
    }
    h = torch::relu(h);
  }
  return out(torch::dropout(h, config.classifier_dropout, is_training()));
}

namespace {

class RnnFamilyModel : public FamilyModel {
 public:
  explicit RnnFamilyModel(RnnConfig config) : config_(std::move(config)), module_(RnnForSequenceClassification(config_).ptr()) {}

  std::shared_ptr<torch::nn::Module> module() const override { return module_; }
  // PyTorch's initialisation for the cells and linear layers (done at construction); the
  // embeddings N(0, initializer_range) with the padding row zero.
  void init_weights() override {
    torch::NoGradGuard no_grad;
    auto& table = module_->word_embeddings->weight;
    table.normal_(0, config_.initializer_range);
    table[config_.pad_token_id].zero_();
  }
  std::int64_t vocab_size() const override { return config_.vocab_size; }
  std::int64_t max_positions() const override { return config_.max_length; }
  std::int64_t pad_token_id() const override { return config_.pad_token_id; }
  std::int64_t type_vocab_size() const override { return 1; }
  bool saves_buffers() const override { return true; }  // batch-norm running statistics
  // A packed batch's per-step products have as many rows as sequences still running there,
  // so a row's bits would follow its neighbours' lengths.
  std::size_t invariant_batch_size(std::size_t) const override { return 1; }
  NamedOutputs forward(const ModelBatch& batch) override { return {{"logits", module_->forward(batch.input_ids, batch.attention_mask)}}; }
  const RnnConfig& config() const { return config_; }

 private:
  RnnConfig config_;
  std::shared_ptr<RnnForSequenceClassificationImpl> module_;
};

}  // namespace

ModelFamily rnn_family() {
  ModelFamily family;
  family.model_type = "frugal_rnn";
  family.architectures = {kRnnForSequenceClassification};
  family.name = "rnn";
  family.heads = {{"cls", kRnnForSequenceClassification}};
  family.build = [](const Architecture&, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    return std::make_unique<RnnFamilyModel>(RnnConfig::parse(j.dump(), config_name));
  };
  return family;
}

const RnnConfig& rnn_config_of(const Model& model) {
  const auto* m = dynamic_cast<const RnnFamilyModel*>(&model.family_model());
  if (m == nullptr) throw std::invalid_argument(model.architecture() + " is not an RNN-family model");
  return m->config();
}

}  // namespace frugal
