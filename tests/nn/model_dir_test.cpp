#include "nn/model_dir_torch.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/safetensors_torch.h"
#include "test_support.h"
#include "nn/bert_family_torch.h"
#include "nn/gpt2_family_torch.h"

namespace frugal {
namespace {

const char* kBert = R"({"vocab_size": 60, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                        "intermediate_size": 32, "max_position_embeddings": 32, "max_span_length": 4})";

ModelBatch batch() {
  ModelBatch b;
  b.input_ids = torch::tensor({{2, 7, 9, 4, 3}}, torch::kLong);
  b.token_type_ids = torch::tensor({{0, 0, 1, 1, 1}}, torch::kLong);
  b.attention_mask = torch::ones_like(b.input_ids);
  return b;
}

}  // namespace

TEST(ModelDir, SaveLoadRoundTripKeepsEveryOutput) {
  const auto dir = test::scratch_dir("modeldir");
  for (const auto arch : {kBertForMaskedLM, kBertForQuestionAnswering,
                          kBertForAnswerSpans, kBertForSequenceClassification}) {
    Model model(arch, kBert, "cfg", 3);
    model.module()->eval();
    model.save(dir + "/m");
    auto loaded = Model::load(dir + "/m");
    loaded.module()->eval();
    EXPECT_EQ(loaded.architecture(), arch);
    torch::NoGradGuard no_grad;
    const auto a = model.forward(batch()), b = loaded.forward(batch());
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  }
}

TEST(ModelDir, SpanLogitsMaskSpansOutsideTheContextAndBeyondTheMaximumLength) {
  Model model(kBertForAnswerSpans, kBert, "cfg", 4);
  model.module()->eval();
  torch::NoGradGuard no_grad;
  const auto out = model.forward(batch());
  const auto spans = out[1].second;  // (1, 5, 4)
  ASSERT_EQ(spans.sizes(), (std::vector<std::int64_t>{1, 5, 4}));
  const auto lowest = std::numeric_limits<float>::lowest();
  EXPECT_EQ(spans[0][0][0].item<float>(), lowest);  // starts on a question token
  EXPECT_EQ(spans[0][1][2].item<float>(), lowest);  // starts in the question, ends in the context
  EXPECT_NE(spans[0][2][2].item<float>(), lowest);  // 2..4, inside the context
  EXPECT_EQ(spans[0][3][2].item<float>(), lowest);  // 3..5 leaves the sequence
  EXPECT_EQ(span_index(torch::tensor({2}), torch::tensor({4}), 4).item<std::int64_t>(), 10);
}

TEST(ModelDir, HeadInitialisedFromAnMlmCheckpointReportsTheNewParameters) {
  const auto dir = test::scratch_dir("modeldir2");
  Model mlm(kBertForMaskedLM, kBert, "cfg", 5);
  mlm.save(dir + "/mlm");
  LoadReport report;
  auto qa = Model::load_as(dir + "/mlm", kBertForQuestionAnswering, torch::kCPU, &report);
  EXPECT_EQ(report.missing, (std::vector<std::string>{"qa_outputs.bias", "qa_outputs.weight"}));
  EXPECT_EQ(report.unexpected.size(), 5u);  // cls.predictions.{bias, transform.dense.*, transform.LayerNorm.*}
  EXPECT_TRUE(torch::equal(qa.module()->named_parameters()["bert.embeddings.word_embeddings.weight"],
                           mlm.module()->named_parameters()["bert.embeddings.word_embeddings.weight"]));
  // A bare BertModel checkpoint (names without "bert.") loads into a head too.
  Model base(kBertModel, kBert, "cfg", 6);
  base.save(dir + "/base");
  auto cls = Model::load_as(dir + "/base", kBertForSequenceClassification, torch::kCPU, &report);
  EXPECT_EQ(report.missing, (std::vector<std::string>{"classifier.bias", "classifier.weight"}));
  EXPECT_TRUE(torch::equal(cls.module()->named_parameters()["bert.pooler.dense.weight"],
                           base.module()->named_parameters()["pooler.dense.weight"]));
}

TEST(ModelDir, RejectsBadCheckpointsWithTheFileAndTensorNamed) {
  const auto dir = test::scratch_dir("modeldir3");
  Model mlm(kBertForMaskedLM, kBert, "cfg", 5);
  mlm.save(dir + "/m");
  // A missing tensor.
  auto tensors = load_safetensors(dir + "/m/model.safetensors");
  tensors.erase(tensors.begin());
  save_safetensors(dir + "/m/model.safetensors", tensors);
  try {
    Model::load(dir + "/m");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  // A wrong shape.
  tensors = load_safetensors(dir + "/m/model.safetensors");
  mlm.save(dir + "/m");
  tensors = load_safetensors(dir + "/m/model.safetensors");
  for (auto& [name, t] : tensors) {
    if (name == "cls.predictions.bias") t = torch::zeros({7});
  }
  save_safetensors(dir + "/m/model.safetensors", tensors);
  EXPECT_THROW(Model::load(dir + "/m"), InputError);
  // Unknown architectures and model types.
  test::write_text(dir + "/m/config.json", R"({"model_type": "bert", "architectures": ["BertForPreTraining"]})");
  EXPECT_THROW(Model::load(dir + "/m"), InputError);
  EXPECT_THROW(Model(kGpt2LMHeadModel, R"({"model_type": "bert"})", "cfg", 0), InputError);
}

TEST(ModelDir, Gpt2CheckpointWithHfBuffersAndTiedHeadLoads) {
  const auto dir = test::scratch_dir("modeldir4");
  const char* cfg = R"({"vocab_size": 40, "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 16})";
  Model gpt(kGpt2LMHeadModel, cfg, "cfg", 7);
  gpt.save(dir + "/g");
  auto tensors = load_safetensors(dir + "/g/model.safetensors");
  // What older HF versions write: the causal-mask buffers and the tied lm_head copy.
  tensors.emplace_back("transformer.h.0.attn.bias", torch::ones({1, 1, 16, 16}));
  tensors.emplace_back("transformer.h.0.attn.masked_bias", torch::tensor(-1e4));
  tensors.emplace_back("lm_head.weight", gpt.module()->named_parameters()["transformer.wte.weight"].detach());
  save_safetensors(dir + "/g/model.safetensors", tensors);
  auto loaded = Model::load(dir + "/g");
  torch::NoGradGuard no_grad;
  ModelBatch b;
  b.input_ids = torch::tensor({{1, 2, 3}}, torch::kLong);
  gpt.module()->eval();
  loaded.module()->eval();
  EXPECT_TRUE(torch::equal(gpt.forward(b)[1].second, loaded.forward(b)[1].second));
}

}  // namespace frugal
