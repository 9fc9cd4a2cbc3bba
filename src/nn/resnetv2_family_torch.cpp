#include "nn/resnetv2_family_torch.h"

#include "nn/image_model_torch.h"
#include "nn/norm_torch.h"

namespace frugal {
namespace {

// A convolution whose kernel is standardised (zero mean, unit variance per output channel)
// on every forward, as BiT's StdConv2d; plain when `standardize` is off. No bias: a norm follows.
struct StdConv2dImpl : torch::nn::Module {
  StdConv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, bool standardize)
      : stride_(stride), padding_(kernel / 2), standardize_(standardize) {
    weight = register_parameter("weight", torch::empty({out, in, kernel, kernel}));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto w = weight;
    if (standardize_) {
      const auto var_mean = torch::var_mean(w, {1, 2, 3}, /*unbiased=*/false, /*keepdim=*/true);
      w = (w - std::get<1>(var_mean)) / torch::sqrt(std::get<0>(var_mean) + 1e-8);
    }
    return torch::conv2d(x, w, {}, stride_, padding_);
  }
  torch::Tensor weight;
  std::int64_t stride_, padding_;
  bool standardize_;
};
TORCH_MODULE(StdConv2d);

struct DownsampleImpl : torch::nn::Module {
  DownsampleImpl(std::int64_t in, std::int64_t out, std::int64_t stride, bool ws) {
    conv = register_module("conv", StdConv2d(in, out, 1, stride, ws));
  }
  StdConv2d conv{nullptr};
};
TORCH_MODULE(Downsample);

// A pre-activation block: norm -> ReLU before each convolution; the shortcut projects the
// pre-activated input when the channels or the stride change.
struct BlockImpl : torch::nn::Module {
  BlockImpl(const ResNetV2Config& c, std::int64_t in, std::int64_t out, std::int64_t stride) : bottleneck(c.layer_type == "bottleneck") {
    const bool ws = c.weight_standardization;
    const auto groups = c.num_groups;
    if (in != out || stride != 1) downsample = register_module("downsample", Downsample(in, out, stride, ws));
    norm1 = register_module("norm1", torch::nn::GroupNorm(groups, in));
    if (!bottleneck) {
      conv1 = register_module("conv1", StdConv2d(in, out, 3, stride, ws));
      norm2 = register_module("norm2", torch::nn::GroupNorm(groups, out));
      conv2 = register_module("conv2", StdConv2d(out, out, 3, 1, ws));
    } else {
      const auto w = c.bottleneck_width(out);
      conv1 = register_module("conv1", StdConv2d(in, w, 1, 1, ws));
      norm2 = register_module("norm2", torch::nn::GroupNorm(groups, w));
      conv2 = register_module("conv2", StdConv2d(w, w, 3, stride, ws));
      norm3 = register_module("norm3", torch::nn::GroupNorm(groups, w));
      conv3 = register_module("conv3", StdConv2d(w, out, 1, 1, ws));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const auto pre = torch::relu(norm_fp32(*norm1, x));
    const auto shortcut = downsample ? downsample->conv->forward(pre) : x;
    auto y = conv1->forward(pre);
    y = conv2->forward(torch::relu(norm_fp32(*norm2, y)));
    if (bottleneck) y = conv3->forward(torch::relu(norm_fp32(*norm3, y)));
    return y + shortcut;
  }
  bool bottleneck;
  Downsample downsample{nullptr};
  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  StdConv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
};
TORCH_MODULE(Block);

struct ResNetV2BackboneImpl : torch::nn::Module {
  explicit ResNetV2BackboneImpl(const ResNetV2Config& c) : stem_pool(c.stem_pool) {
    auto embedder = register_module("embedder", std::make_shared<torch::nn::Module>());
    convolution = embedder->register_module(
        "convolution", StdConv2d(c.input.channels, c.embedding_size, c.stem_kernel_size, c.stem_stride, c.weight_standardization));
    auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
    auto stages = encoder->register_module("stages", torch::nn::ModuleList());
    std::int64_t in = c.embedding_size;
    for (std::size_t s = 0; s < c.hidden_sizes.size(); ++s) {
      auto stage = std::make_shared<torch::nn::Module>();
      auto layers = stage->register_module("layers", torch::nn::ModuleList());
      for (std::int64_t b = 0; b < c.depths[s]; ++b) {
        auto block = Block(c, in, c.hidden_sizes[s], b == 0 && s > 0 ? 2 : 1);
        layers->push_back(block);
        blocks.push_back(block);
        in = c.hidden_sizes[s];
      }
      stages->push_back(stage);
    }
    norm = register_module("norm", torch::nn::GroupNorm(c.num_groups, in));
  }
  torch::Tensor forward(const torch::Tensor& pixels) {
    auto x = convolution->forward(pixels);
    if (stem_pool) x = torch::max_pool2d(x, 3, 2, 1);
    for (auto& b : blocks) x = b->forward(x);
    x = torch::relu(norm_fp32(*norm, x));
    return x.mean({2, 3});
  }
  bool stem_pool;
  StdConv2d convolution{nullptr};
  std::vector<Block> blocks;
  torch::nn::GroupNorm norm{nullptr};
};
TORCH_MODULE(ResNetV2Backbone);

}  // namespace

ModelFamily resnetv2_family() {
  ModelFamily family;
  family.model_type = "frugal_resnetv2";
  family.architectures = {kResNetV2Model, kResNetV2ForImageClassification};
  family.name = "resnetv2";
  family.heads = {{"cls", kResNetV2ForImageClassification}, {"base", kResNetV2Model}};
  family.build = [](const Architecture& arch, nlohmann::json& j, const std::string& config_name) -> std::unique_ptr<FamilyModel> {
    const auto config = ResNetV2Config::parse(j.dump(), config_name);
    write_image_input(config.input, j);
    auto backbone = ResNetV2Backbone(config).ptr();
    ImageBackbone b{backbone, [backbone](const torch::Tensor& x) { return backbone->forward(x); }, config.feature_size(), false};
    ImageHead head;
    if (arch == kResNetV2ForImageClassification) head = ImageHead{config.num_labels, config.dropout};
    return make_image_model(std::move(b), head, "resnetv2.", config.input);
  };
  return family;
}

}  // namespace frugal
