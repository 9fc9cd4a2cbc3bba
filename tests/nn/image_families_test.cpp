// The image families: parameter counts as their configs state, save/load, a backbone moving
// into its classifier, BYOL's target network, and row-independent inference.
#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/byol_family_torch.h"
#include "nn/cnn_family_torch.h"
#include "nn/image_config.h"
#include "nn/model_dir_torch.h"
#include "nn/resnetv2_family_torch.h"
#include "test_support.h"

namespace frugal {
namespace {

torch::Tensor logits(Model& m, const torch::Tensor& x) {
  ModelBatch b;
  b.pixel_values = x;
  for (const auto& [name, t] : m.forward(b)) {
    if (name == "logits") return t;
  }
  return {};
}

const char* kCnn = R"({"num_channels": 1, "image_size": 20, "conv_channels": [4, 8], "kernel_size": 3, "hidden_size": 16, "num_labels": 3})";
const char* kCnnBn = R"({"num_channels": 3, "image_size": [16, 12], "conv_channels": [4], "padding": "same", "conv_batch_norm": true, "hidden_size": 8})";
const char* kResNet = R"({"num_channels": 1, "image_size": 16, "embedding_size": 8, "hidden_sizes": [8, 16], "depths": [1, 2], "num_groups": 4, "num_labels": 4})";
const char* kBottleneck = R"({"num_channels": 3, "image_size": 16, "embedding_size": 8, "hidden_sizes": [16, 32], "depths": [2, 1],
                              "layer_type": "bottleneck", "num_groups": 4, "stem_pool": true})";

TEST(ImageFamilies, ParameterCountsMatchTheConfigs) {
  for (const auto* json : {kCnn, kCnnBn}) {
    Model m(kCnnForImageClassification, json, "cnn.json", 1);
    EXPECT_EQ(static_cast<double>(m.parameter_count()), CnnConfig::parse(json, "cnn.json").parameter_count(true)) << json;
    Model base(kCnnModel, json, "cnn.json", 1);
    EXPECT_EQ(static_cast<double>(base.parameter_count()), CnnConfig::parse(json, "cnn.json").parameter_count(false)) << json;
  }
  for (const auto* json : {kResNet, kBottleneck}) {
    Model m(kResNetV2ForImageClassification, json, "r.json", 1);
    EXPECT_EQ(static_cast<double>(m.parameter_count()), ResNetV2Config::parse(json, "r.json").parameter_count(true)) << json;
  }
  EXPECT_THROW(Model(kCnnModel, R"({"image_size": 8, "conv_channels": [4, 4], "kernel_size": 5})", "c.json", 1), InputError);
  EXPECT_THROW(Model(kResNetV2Model, R"({"embedding_size": 6, "num_groups": 4})", "r.json", 1), InputError);
  EXPECT_THROW(Model(kResNetV2Model, R"({"hidden_sizes": [8], "depths": [1, 1], "num_groups": 4})", "r.json", 1), InputError);
}

TEST(ImageFamilies, SaveLoadAndABackboneMovingIntoItsClassifier) {
  const auto dir = test::scratch_dir("image_families");
  for (const auto& [base_arch, head_arch, json] :
       {std::tuple{kCnnModel, kCnnForImageClassification, kCnn}, std::tuple{kResNetV2Model, kResNetV2ForImageClassification, kResNet},
        std::tuple{kCnnModel, kCnnForImageClassification, kCnnBn}}) {
    Model head(head_arch, json, "c.json", 3);
    head.module()->eval();
    const auto spec = parse_image_input(nlohmann::json::parse(json), "c.json");
    torch::manual_seed(0);
    const auto x = torch::randn({5, spec.channels, spec.height, spec.width});
    head.save(dir + "/head");
    auto loaded = Model::load(dir + "/head");
    loaded.module()->eval();
    EXPECT_TRUE(torch::equal(logits(head, x), logits(loaded, x)));

    Model base(base_arch, json, "c.json", 4);
    base.save(dir + "/base");
    LoadReport report;
    auto moved = Model::load_as(dir + "/base", head_arch, torch::kCPU, &report, R"({"num_labels": 7})");
    EXPECT_EQ(report.missing, (std::vector<std::string>{"classifier.bias", "classifier.weight"}));
    EXPECT_TRUE(report.unexpected.empty());
    EXPECT_EQ(logits(moved, x).size(1), 7);
  }
}

TEST(ImageFamilies, ARowsLogitsDoNotDependOnItsBatchAtAFixedShape) {
  Model m(kResNetV2ForImageClassification, kResNet, "r.json", 2);
  m.module()->eval();
  torch::NoGradGuard no_grad;
  torch::manual_seed(1);
  const auto x = torch::randn({8, 1, 16, 16});
  auto other = torch::randn({8, 1, 16, 16});
  other[3] = x[3];
  EXPECT_TRUE(torch::equal(logits(m, x)[3], logits(m, other)[3]));
}

TEST(ImageFamilies, ByolTargetStartsAsTheOnlineNetworkAndFollowsIt) {
  const std::string json = std::string(R"({"backbone": {"architectures": ["FrugalCnnModel"], )") +
                           R"("num_channels": 1, "image_size": 20, "conv_channels": [4, 8], "kernel_size": 3, "hidden_size": 16},)" +
                           R"( "projection_hidden_size": 32, "projection_size": 8, "projector_norm": "batch_norm"})";
  Model byol(kByolModel, json, "byol.json", 5);
  auto params = byol.module()->named_parameters();
  EXPECT_TRUE(torch::equal(params["online.backbone.convs.0.weight"], params["target.backbone.convs.0.weight"]));
  EXPECT_FALSE(params["target.projector.0.weight"].requires_grad());
  EXPECT_TRUE(params["predictor.0.weight"].requires_grad());
  torch::manual_seed(0);
  ModelBatch b;
  b.pixel_values = torch::randn({6, 1, 20, 20});
  const auto out = byol.forward(b);
  EXPECT_EQ(out[0].second.sizes(), (std::vector<std::int64_t>{6, 8}));
  EXPECT_FALSE(out[1].second.requires_grad());
  {
    torch::NoGradGuard no_grad;
    params["online.backbone.convs.0.weight"].add_(1.0);
  }
  const auto before = params["target.backbone.convs.0.weight"].clone();
  update_byol_target(byol, 0.75);
  EXPECT_TRUE(torch::allclose(params["target.backbone.convs.0.weight"], before + 0.25, 1e-6, 1e-6));
  auto backbone = byol_backbone(byol);
  EXPECT_EQ(backbone.architecture(), kCnnModel);
  EXPECT_TRUE(torch::equal(backbone.module()->named_parameters()["convs.0.weight"], params["online.backbone.convs.0.weight"]));
}

}  // namespace
}  // namespace frugal
