#include "nn/image_model_torch.h"
#include "nn/linear_torch.h"

#include "nn/config_json.h"
#include "nn/image_config.h"
#include "nn/model_dir_torch.h"

namespace frugal {
namespace {

struct ImageClassifierImpl : torch::nn::Module {
  ImageClassifierImpl(const std::string& base_name, std::shared_ptr<torch::nn::Module> backbone, std::int64_t features, ImageHead head)
      : dropout_p(head.dropout) {
    register_module(base_name, std::move(backbone));
    classifier = register_module("classifier", Linear(features, head.num_labels));
  }
  double dropout_p;
  Linear classifier{nullptr};
};

class ImageFamilyModel : public FamilyModel {
 public:
  ImageFamilyModel(ImageBackbone backbone, ImageHead head, std::string base_prefix, ImageInputSpec input)
      : backbone_(std::move(backbone)), head_(head), base_prefix_(std::move(base_prefix)), input_(std::move(input)) {
    if (head_.num_labels > 0) {
      classifier_ = std::make_shared<ImageClassifierImpl>(base_prefix_.substr(0, base_prefix_.size() - 1), backbone_.module,
                                                          backbone_.feature_size, head_);
    }
  }
  std::shared_ptr<torch::nn::Module> module() const override {
    return classifier_ ? std::static_pointer_cast<torch::nn::Module>(classifier_) : backbone_.module;
  }
  void init_weights() override {
    init_image_weights(*module());
    if (classifier_) {
      torch::NoGradGuard no_grad;
      classifier_->classifier->weight.normal_(0, 0.01);
      classifier_->classifier->bias.zero_();
    }
  }
  NamedOutputs forward(const ModelBatch& batch) override {
    const auto& x = batch.pixel_values;
    if (!x.defined() || x.dim() != 4 || x.size(1) != input_.channels || x.size(2) != input_.height || x.size(3) != input_.width) {
      throw std::invalid_argument("image model: pixel_values of shape (batch, " + std::to_string(input_.channels) + ", " +
                                  std::to_string(input_.height) + ", " + std::to_string(input_.width) + ") are needed");
    }
    auto features = backbone_.features(x);
    NamedOutputs out{{"pooler_output", features}};
    if (classifier_) {
      auto h = torch::dropout(features, classifier_->dropout_p, classifier_->is_training());
      out.emplace_back("logits", classifier_->classifier->forward(h));
    }
    return out;
  }
  std::int64_t vocab_size() const override { return 0; }
  std::int64_t max_positions() const override { return 0; }
  std::int64_t pad_token_id() const override { return 0; }
  std::int64_t type_vocab_size() const override { return 1; }
  std::string base_prefix() const override { return base_prefix_; }
  bool saves_buffers() const override { return backbone_.has_buffers; }

 private:
  ImageBackbone backbone_;
  ImageHead head_;
  std::string base_prefix_;
  ImageInputSpec input_;
  std::shared_ptr<ImageClassifierImpl> classifier_;
};

}  // namespace

std::unique_ptr<FamilyModel> make_image_model(ImageBackbone backbone, ImageHead head, std::string base_prefix, ImageInputSpec input) {
  return std::make_unique<ImageFamilyModel>(std::move(backbone), head, std::move(base_prefix), std::move(input));
}

torch::Tensor named_output(const NamedOutputs& outputs, const std::string& name) {
  for (const auto& [key, t] : outputs) {
    if (key == name) return t;
  }
  throw std::invalid_argument("the model gives no '" + name + "' output");
}

void init_image_weights(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (const auto& m : module.modules(/*include_self=*/true)) {
    auto own = m->named_parameters(/*recurse=*/false);
    if (!own.contains("weight")) continue;
    auto weight = own["weight"];
    const bool conv = weight.dim() == 4, norm = weight.dim() == 1;
    if (conv) torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
    if (norm) weight.fill_(1.0);  // GroupNorm, BatchNorm, LayerNorm scales
    if ((conv || norm) && own.contains("bias")) own["bias"].zero_();
  }
}

ImageInputSpec image_input_of(const Model& model) {
  return parse_image_input(parse_config_json(model.config_json(), "config.json"), "config.json");
}

std::size_t copy_matching_tensors(const torch::nn::Module& from, torch::nn::Module& to, const std::string& prefix) {
  auto places = to.named_parameters();
  for (const auto& b : to.named_buffers()) places.insert(b.key(), b.value());
  auto sources = from.named_parameters();
  for (const auto& b : from.named_buffers()) sources.insert(b.key(), b.value());
  torch::NoGradGuard no_grad;
  std::size_t copied = 0;
  for (const auto& source : sources) {
    const std::string name = places.contains(source.key()) ? source.key() : prefix + source.key();
    if (!places.contains(name) || places[name].sizes() != source.value().sizes()) continue;
    places[name].copy_(source.value());
    ++copied;
  }
  return copied;
}

void copy_all_tensors(const torch::nn::Module& from, torch::nn::Module& to) {
  const auto total = to.named_parameters().size() + to.named_buffers().size();
  if (copy_matching_tensors(from, to) != total) throw std::logic_error("copy_all_tensors: the modules' tensors differ");
}

Model with_image_input(const Model& model, const ImageInputSpec& input) {
  auto config = parse_config_json(model.config_json(), "config.json");
  write_image_input(input, config);
  Model copy(model.architecture(), config.dump(), "config.json", 0);
  copy_all_tensors(*model.module(), *copy.module());
  copy.module()->to(model.module()->parameters().front().device());
  return copy;
}

}  // namespace frugal
