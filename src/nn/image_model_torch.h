#pragma once
// What the image families share: a backbone module that maps pixel_values to features
// ("pooler_output"), wrapped either as the base model (the backbone itself, e.g.
// FrugalCnnModel: what BYOL pretrains and `image train --init` starts from) or as a classifier
// (the backbone under base_prefix, dropout, a linear "classifier"), as HF's *ForImageClassification.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>

#include "data/image_transform.h"
#include "nn/model_family_torch.h"

namespace frugal {

class Model;

struct ImageBackbone {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor& pixel_values)> features;  // (batch, feature_size)
  std::int64_t feature_size = 0;
  bool has_buffers = false;  // batch-norm statistics, saved with the weights
};

struct ImageHead {
  std::int64_t num_labels = 0;  // 0: the base model (no classifier)
  double dropout = 0;
};

// A FamilyModel for an image backbone; `base_prefix` ("cnn.") names the backbone inside the classifier.
std::unique_ptr<FamilyModel> make_image_model(ImageBackbone backbone, ImageHead head, std::string base_prefix, ImageInputSpec input);

// The output called `name` (std::invalid_argument when the model gives none).
torch::Tensor named_output(const NamedOutputs& outputs, const std::string& name);

// PyTorch's ResNet initialisation: Kaiming-normal (fan_out, ReLU) convolutions, unit norms,
// zero biases; linear layers keep PyTorch's default; a classifier starts at N(0, 0.01).
void init_image_weights(torch::nn::Module& module);

// The input an image model states in its config.json (data/image_transform.h fits images to it).
ImageInputSpec image_input_of(const Model& model);

// Copies every parameter and buffer of `from` into the tensor of `to` of the same name, or of
// `prefix` + that name (a backbone inside its classifier), where the shapes agree. Returns how
// many of `to`'s tensors were filled (the rest keep their values).
std::size_t copy_matching_tensors(const torch::nn::Module& from, torch::nn::Module& to, const std::string& prefix = "");
// The same for modules built from one config: every tensor of `to` must be filled (logic_error).
void copy_all_tensors(const torch::nn::Module& from, torch::nn::Module& to);

// A copy of `model` (weights and buffers, on its device) whose config states `input` instead:
// per-dataset normalisation.
Model with_image_input(const Model& model, const ImageInputSpec& input);

}  // namespace frugal
