// The trainer's hooks for methods that are more than a loss (issue 13): per-parameter
// learning-rate scales, before/after-step callbacks, extra metrics, the throughput unit, and
// leaving the final model to the caller.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nn/cnn_family_torch.h"
#include "nn/model_dir_torch.h"
#include "test_support.h"
#include "train/trainer_torch.h"

namespace frugal {
namespace {

class TinyImages : public BatchSource {
 public:
  bool next(TrainBatch& batch) override {
    if (next_ == 4) {
      next_ = 0;
      return false;
    }
    torch::manual_seed(static_cast<std::uint64_t>(next_));
    batch.inputs.pixel_values = torch::randn({8, 1, 12, 12});
    batch.labels = torch::randint(0, 3, {8}, torch::kLong);
    batch.tokens = 8;
    batch.after = {{"next", ++next_}};
    return true;
  }
  void restore(const nlohmann::json& state) override { next_ = state.at("next").get<int>(); }

 private:
  int next_ = 0;
};

torch::Tensor loss(Model& m, const TrainBatch& b) {
  for (const auto& [name, t] : m.forward(b.inputs)) {
    if (name == "logits") return torch::cross_entropy_loss(t, b.labels);
  }
  return {};
}

TEST(TrainerHooks, LearningRateScalesHooksAndMetrics) {
  const auto dir = test::scratch_dir("trainer_hooks");
  Model model(kCnnForImageClassification, R"({"image_size": 12, "conv_channels": [4], "kernel_size": 3, "hidden_size": 8, "num_labels": 3})",
              "cnn.json", 1);
  const auto before = model.module()->named_parameters()["cnn.convs.0.weight"].clone();
  const auto head_before = model.module()->named_parameters()["classifier.weight"].clone();
  TinyImages data;
  TrainerOptions o;
  o.out_dir = dir;
  o.lr.peak = 1e-2;
  o.lr.total_steps = 6;
  o.log_every = 3;
  o.progress = false;
  o.throughput_unit = "images";
  o.save_final_model = false;
  o.lr_scale = [](const std::string& name) { return name.rfind("cnn.", 0) == 0 ? 0.0 : 1.0; };
  std::vector<std::uint64_t> before_steps, after_steps;
  o.before_step = [&](Model&, std::uint64_t k) { before_steps.push_back(k); };
  o.after_step = [&](Model&, std::uint64_t k) { after_steps.push_back(k); };
  int windows = 0;
  o.window_metrics = [&] { return nlohmann::json{{"window", ++windows}}; };
  const auto result = train(model, data, loss, [](Model&) { return nlohmann::json{{"loss", 0.0}}; }, o);
  EXPECT_EQ(result.steps, 6u);
  EXPECT_EQ(before_steps, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(after_steps, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  // Weight decay is scaled with the rate too: a backbone at scale 0 does not move at all.
  EXPECT_TRUE(torch::equal(model.module()->named_parameters()["cnn.convs.0.weight"], before));
  EXPECT_FALSE(torch::equal(model.module()->named_parameters()["classifier.weight"], head_before));
  EXPECT_FALSE(std::filesystem::exists(dir + "/model"));
  std::ifstream metrics(dir + "/metrics.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(metrics, line)) {
    const auto j = nlohmann::json::parse(line);
    if (!j.contains("loss")) continue;
    ++lines;
    EXPECT_TRUE(j.contains("images_per_s")) << line;
    EXPECT_FALSE(j.contains("tokens_per_s")) << line;
    EXPECT_TRUE(j.contains("data_fraction")) << line;
    EXPECT_EQ(j.at("window"), lines) << line;
  }
  EXPECT_EQ(lines, 2);
}

// --autocast bf16 on CPU: the forward runs in bf16 (what the loss sees), the weights stay fp32,
// and the mode is off again once train returns (later inference in the process is fp32).
TEST(TrainerHooks, Bf16AutocastOnCpuCoversTheForwardOnly) {
  const auto dir = test::scratch_dir("trainer_autocast");
  Model model(kCnnForImageClassification, R"({"image_size": 12, "conv_channels": [4], "kernel_size": 3, "hidden_size": 8, "num_labels": 3})",
              "cnn.json", 1);
  TinyImages data;
  TrainerOptions o;
  o.out_dir = dir;
  o.lr.peak = 1e-2;
  o.lr.total_steps = 2;
  o.progress = false;
  o.save_final_model = false;
  o.autocast = "bf16";
  std::vector<torch::ScalarType> seen;
  const auto result = train(
      model, data,
      [&](Model& m, const TrainBatch& b) {
        for (const auto& [name, t] : m.forward(b.inputs)) {
          if (name == "logits") {
            seen.push_back(t.scalar_type());
            return torch::cross_entropy_loss(t, b.labels);
          }
        }
        return torch::Tensor();
      },
      [](Model&) { return nlohmann::json{{"loss", 0.0}}; }, o);
  EXPECT_EQ(result.steps, 2u);
  EXPECT_EQ(seen, (std::vector<torch::ScalarType>{torch::kBFloat16, torch::kBFloat16}));
  for (const auto& p : model.module()->parameters()) EXPECT_EQ(p.scalar_type(), torch::kFloat32);
  ModelBatch after;
  after.pixel_values = torch::randn({2, 1, 12, 12});
  for (const auto& [name, t] : model.forward(after)) {
    if (name == "logits") {
      EXPECT_EQ(t.scalar_type(), torch::kFloat32);
    }
  }
}

}  // namespace
}  // namespace frugal
