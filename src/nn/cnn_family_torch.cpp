#include "nn/cnn_family_torch.h"
#include "nn/linear_torch.h"

#include "nn/image_model_torch.h"
#include "nn/norm_torch.h"

namespace frugal {
namespace {

// convs.K / norms.K per stage, then dense: names as PyTorch would give them.
struct CnnBackboneImpl : torch::nn::Module {
  explicit CnnBackboneImpl(const CnnConfig& c) : config(c) {
    convs = register_module("convs", torch::nn::ModuleList());
    if (c.conv_batch_norm) norms = register_module("norms", torch::nn::ModuleList());
    std::int64_t in = c.input.channels;
    for (const auto out : c.conv_channels) {
      convs->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, c.kernel_size)
                                             .padding(c.padding == "same" ? c.kernel_size / 2 : 0)
                                             .bias(!c.conv_batch_norm)));
      if (c.conv_batch_norm) norms->push_back(torch::nn::BatchNorm2d(out));
      in = out;
    }
    const auto [h, w] = c.feature_map("config.json");
    dense = register_module("dense", Linear(in * h * w, c.hidden_size));
  }
  torch::Tensor forward(torch::Tensor x) {
    for (std::size_t s = 0; s < convs->size(); ++s) {
      x = convs[s]->as<torch::nn::Conv2d>()->forward(x);
      if (norms) x = norm_fp32(*norms[s]->as<torch::nn::BatchNorm2d>(), x);
      x = torch::max_pool2d(torch::relu(x), 2);
    }
    return torch::relu(dense->forward(x.flatten(1)));
  }
  CnnConfig config;
  torch::nn::ModuleList convs{nullptr}, norms{nullptr};
  Linear dense{nullptr};
};
TORCH_MODULE(CnnBackbone);

}  // namespace

ModelFamily cnn_family() {
  ModelFamily family;
  family.model_type = "frugal_cnn";
  family.architectures = {kCnnModel, kCnnForImageClassification};
  family.name = "cnn";
  family.heads = {{"cls", kCnnForImageClassification}, {"base", kCnnModel}};
  family.build = [](const Architecture& arch, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    const auto config = CnnConfig::parse(j.dump(), config_name);
    write_image_input(config.input, j);
    auto backbone = CnnBackbone(config).ptr();
    ImageBackbone b{backbone, [backbone](const torch::Tensor& x) { return backbone->forward(x); }, config.hidden_size,
                    config.conv_batch_norm};
    ImageHead head;
    if (arch == kCnnForImageClassification) head = ImageHead{config.num_labels, config.dropout};
    return make_image_model(std::move(b), head, "cnn.", config.input);
  };
  return family;
}

}  // namespace frugal
