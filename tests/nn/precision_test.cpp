// Half precision and int8 for frugal's own models: the int8 Linear layer against PyTorch's
// quantization arithmetic, norms computed in fp32, every Linear of a model reached by
// to_precision, and half-precision models that agree with fp32.
#include "nn/precision_torch.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/linear_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/norm_torch.h"

namespace frugal {
namespace {

const char* kTinyBert = R"({"vocab_size": 120, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
  "intermediate_size": 64, "max_position_embeddings": 64, "num_labels": 3})";

ModelBatch text_batch(std::int64_t rows, std::int64_t length, std::uint64_t seed) {
  torch::manual_seed(seed);
  ModelBatch b;
  b.input_ids = torch::randint(1, 120, {rows, length}, torch::kLong);
  b.attention_mask = torch::ones({rows, length}, torch::kLong);
  b.attention_mask.narrow(1, length - 3, 3).narrow(0, 0, rows / 2).zero_();  // half the rows padded
  b.token_type_ids = torch::zeros({rows, length}, torch::kLong);
  return b;
}

torch::Tensor logits_of(Model& model, const ModelBatch& b) {
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : model.forward(b)) {
    if (name == "logits") return t.to(torch::kFloat32);
  }
  ADD_FAILURE() << "no logits";
  return {};
}

}  // namespace

TEST(Precision, NamesParseAndBadOnesAreInputErrors) {
  EXPECT_EQ(parse_precision("fp32"), Precision::kFp32);
  EXPECT_EQ(parse_precision("float16"), Precision::kFp16);
  EXPECT_EQ(parse_precision("bfloat16"), Precision::kBf16);
  EXPECT_EQ(parse_precision("int8"), Precision::kInt8);
  EXPECT_EQ(precision_name(Precision::kBf16), "bf16");
  EXPECT_THROW(parse_precision("fp8"), InputError);
  EXPECT_THROW(check_precision_on_device(Precision::kInt8, torch::Device("cuda:0")), InputError);
}

TEST(Precision, Int8LinearFollowsPyTorchsDynamicQuantization) {
  if (quantized_engine().empty()) GTEST_SKIP() << "no quantized engine in this libtorch";
  torch::manual_seed(3);
  Linear layer(64, 48);
  const auto x = torch::randn({10, 64});
  torch::NoGradGuard no_grad;
  const auto fp32 = layer(x);
  // PyTorch's arithmetic, written out: weight per-tensor symmetric (scale = max|w| / 127.5),
  // activation per batch asymmetric over 7 bits (reduce_range), products in integers.
  const auto qw = quantize_weight_int8(layer->weight);
  EXPECT_EQ(qw.q_zero_point(), 0);
  EXPECT_FLOAT_EQ(static_cast<float>(qw.q_scale()), layer->weight.abs().max().item<float>() / 127.5f);
  layer->quantize_int8();
  ASSERT_TRUE(layer->quantized());
  const auto int8 = layer(x);
  const double error = (int8 - fp32).abs().max().item<double>();
  const double scale = fp32.abs().max().item<double>();
  EXPECT_GT(error, 0.0);             // it really is quantized
  EXPECT_LT(error, 0.03 * scale);    // and close: a few steps of 1/127 of the range
  layer->dequantize();
  EXPECT_TRUE(torch::equal(layer(x), fp32));
  // Any leading shape, like torch::nn::Linear.
  layer->quantize_int8();
  EXPECT_EQ(layer(x.view({2, 5, 64})).sizes(), (std::vector<std::int64_t>{2, 5, 48}));
}

TEST(Precision, NormsComputeInFp32ForHalfInputs) {
  torch::manual_seed(4);
  torch::nn::LayerNorm norm(torch::nn::LayerNormOptions({16}));
  {
    torch::NoGradGuard no_grad;
    norm->weight.uniform_(0.5, 1.5);
    norm->bias.uniform_(-0.1, 0.1);
  }
  // Large offset, small spread: the case half precision's variance gets wrong.
  const auto x = (torch::randn({8, 16}) * 0.01 + 20.0).to(torch::kBFloat16);
  norm->to(torch::kBFloat16);
  const auto y = norm_fp32(*norm, x);
  EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  const auto expected = torch::layer_norm(x.to(torch::kFloat32), {16}, norm->weight.to(torch::kFloat32), norm->bias.to(torch::kFloat32), 1e-5)
                            .to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(y, expected));
  // fp32 inputs take the layer's own forward.
  norm->to(torch::kFloat32);
  const auto x32 = torch::randn({4, 16});
  EXPECT_TRUE(torch::equal(norm_fp32(*norm, x32), norm(x32)));
}

TEST(Precision, Int8ReachesEveryLinearLayerAndAgreesWithFp32) {
  if (quantized_engine().empty()) GTEST_SKIP() << "no quantized engine in this libtorch";
  Model fp32("BertForSequenceClassification", kTinyBert, "test", 5);
  Model int8("BertForSequenceClassification", kTinyBert, "test", 5);
  fp32.module()->eval();
  int8.module()->eval();
  // 2 layers x (query, key, value, attention output, intermediate, output) + pooler + classifier.
  EXPECT_EQ(to_precision(int8, torch::kCPU, Precision::kInt8), 2u * 6u + 2u);
  const auto b = text_batch(16, 12, 6);
  const auto p32 = torch::softmax(logits_of(fp32, b), 1), p8 = torch::softmax(logits_of(int8, b), 1);
  EXPECT_LT((p32 - p8).abs().max().item<double>(), 0.02);
  // The fp32 weights stay: saving an int8-run model writes what was loaded.
  EXPECT_TRUE(torch::equal(fp32.module()->named_parameters()["classifier.weight"], int8.module()->named_parameters()["classifier.weight"]));
}

TEST(Precision, Bf16ModelAgreesWithFp32AndMasksStayFinite) {
  Model fp32("BertForSequenceClassification", kTinyBert, "test", 7);
  Model bf16("BertForSequenceClassification", kTinyBert, "test", 7);
  fp32.module()->eval();
  bf16.module()->eval();
  to_precision(bf16, torch::kCPU, Precision::kBf16);
  EXPECT_EQ(bf16.module()->named_parameters()["classifier.weight"].scalar_type(), torch::kBFloat16);
  const auto b = text_batch(8, 10, 8);
  const auto l32 = logits_of(fp32, b), l16 = logits_of(bf16, b);
  EXPECT_TRUE(torch::isfinite(l16).all().item<bool>());
  EXPECT_LT((torch::softmax(l32, 1) - torch::softmax(l16, 1)).abs().max().item<double>(), 0.05);
}

}  // namespace frugal
