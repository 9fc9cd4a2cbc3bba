#include "nn/bert_torch.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "nn/bert_heads_torch.h"
#include "nn/safetensors_torch.h"
#include "test_support.h"

namespace frugal {
namespace {

BertConfig tiny() {
  BertConfig c;
  c.vocab_size = 100;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.intermediate_size = 64;
  c.max_position_embeddings = 64;
  c.hidden_dropout_prob = 0;
  c.attention_probs_dropout_prob = 0;
  return c;
}

}  // namespace

TEST(Bert, ParameterNamesAndShapesAreHuggingFaces) {
  torch::manual_seed(0);
  BertForMaskedLM model(tiny());
  std::set<std::string> names;
  for (const auto& p : model->named_parameters()) names.insert(p.key());
  std::set<std::string> expected = {
      "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
      "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
      "cls.predictions.bias", "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
      "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias"};
  for (int layer = 0; layer < 2; ++layer) {
    const std::string l = "bert.encoder.layer." + std::to_string(layer) + ".";
    for (const char* p : {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                          "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"}) {
      expected.insert(l + p + ".weight");
      expected.insert(l + p + ".bias");
    }
  }
  EXPECT_EQ(names, expected);
  const auto params = model->named_parameters();
  EXPECT_EQ(params["bert.encoder.layer.1.intermediate.dense.weight"].sizes(), (std::vector<std::int64_t>{64, 32}));
  EXPECT_EQ(params["bert.encoder.layer.1.output.dense.weight"].sizes(), (std::vector<std::int64_t>{32, 64}));
  EXPECT_EQ(params["bert.embeddings.position_embeddings.weight"].sizes(), (std::vector<std::int64_t>{64, 32}));
  BertModel with_pooler(tiny(), true);
  EXPECT_TRUE(with_pooler->named_parameters().contains("pooler.dense.weight"));
}

TEST(Bert, PaddingDoesNotChangeRealTokens) {
  torch::manual_seed(1);
  const auto c = tiny();
  BertForMaskedLM model(c);
  init_bert_weights(*model, c);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto ids = torch::tensor({{2, 7, 9, 4}}, torch::kLong);
  const auto padded = torch::tensor({{2, 7, 9, 4, 0, 0}}, torch::kLong);
  const auto a = model(ids, torch::zeros_like(ids), torch::ones_like(ids));
  const auto b = model(padded, torch::zeros_like(padded), torch::tensor({{1, 1, 1, 1, 0, 0}}, torch::kLong));
  EXPECT_TRUE(torch::allclose(a, b.slice(1, 0, 4), 1e-5, 1e-5));
  EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{1, 4, 100}));
}

TEST(Bert, SafetensorsRoundTripGivesIdenticalLogitsAndTrainingLearns) {
  torch::manual_seed(2);
  const auto c = tiny();
  BertForMaskedLM model(c);
  init_bert_weights(*model, c);
  // Memorise one masked sentence: the loss must fall.
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-2));
  const auto ids = torch::tensor({{1, 5, 3, 8, 2}}, torch::kLong);
  const auto labels = torch::tensor({{-100, 5, -100, 8, -100}}, torch::kLong);
  const auto masked = torch::tensor({{1, 4, 3, 4, 2}}, torch::kLong);
  double first = 0, last = 0;
  for (int step = 0; step < 40; ++step) {
    optimizer.zero_grad();
    const auto logits = model(masked, torch::zeros_like(masked), torch::ones_like(masked));
    const auto loss = torch::nn::functional::cross_entropy(logits.view({-1, c.vocab_size}), labels.view({-1}),
                                                           torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
    loss.backward();
    optimizer.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first * 0.2);

  model->eval();
  torch::NoGradGuard no_grad;
  const auto before = model(ids, torch::zeros_like(ids), torch::ones_like(ids));
  const auto path = test::scratch_dir("bert") + "/model.safetensors";
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value());
  save_safetensors(path, tensors);
  BertForMaskedLM reloaded(c);
  auto params = reloaded->named_parameters();
  for (const auto& [name, t] : load_safetensors(path)) params[name].copy_(t);
  reloaded->eval();
  EXPECT_TRUE(torch::equal(reloaded(ids, torch::zeros_like(ids), torch::ones_like(ids)), before));
}

TEST(BertConfig, ParsesHuggingFaceFieldsAndRejectsOtherModels) {
  const auto c = BertConfig::parse(R"({"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4,
                                      "id2label": {"0": "NEG", "1": "POS", "2": "MIX"}, "extra": 1})",
                                   "config.json");
  EXPECT_EQ(c.hidden_size, 64);
  EXPECT_EQ(c.num_labels, 3);
  EXPECT_EQ(c.vocab_size, 30522);  // HF default
  EXPECT_EQ(BertConfig::parse(c.to_json(), "again").hidden_size, 64);
  EXPECT_THROW(BertConfig::parse(R"({"model_type": "gpt2"})", "c"), InputError);
  EXPECT_THROW(BertConfig::parse(R"({"hidden_size": 30, "num_attention_heads": 4})", "c"), InputError);
  EXPECT_THROW(BertConfig::parse(R"({"hidden_act": "swish"})", "c"), InputError);
  EXPECT_THROW(BertConfig::parse("{", "c"), InputError);
}

TEST(Bert, LexicalMatchFeaturesAreAnEmbeddingTheQaModelNeeds) {
  torch::manual_seed(2);
  auto c = tiny();
  c.lexical_match_types = 3;
  BertForQuestionAnswering model(c);
  init_bert_weights(*model, c);
  model->eval();
  const auto params = model->named_parameters();
  ASSERT_TRUE(params.contains("bert.embeddings.lexical_match_embeddings.weight"));
  EXPECT_EQ(params["bert.embeddings.lexical_match_embeddings.weight"].sizes(), (std::vector<std::int64_t>{3, 32}));
  const auto ids = torch::tensor({{1, 5, 6, 2, 7, 8, 9, 2}}, torch::kLong);
  const auto types = torch::tensor({{0, 0, 0, 0, 1, 1, 1, 1}}, torch::kLong);
  const auto mask = torch::ones_like(ids);
  torch::NoGradGuard no_grad;
  EXPECT_THROW(model(ids, types, mask), c10::Error);  // the features are inputs, never silently zero
  const auto none = model(ids, types, mask, torch::zeros_like(ids));
  const auto some = model(ids, types, mask, torch::tensor({{0, 0, 0, 0, 0, 2, 1, 0}}, torch::kLong));
  EXPECT_FALSE(torch::allclose(none.start, some.start));
  // Without the table the argument is ignored, so callers may always pass it.
  auto plain_config = tiny();
  torch::manual_seed(2);
  BertForQuestionAnswering plain(plain_config);
  plain->eval();
  EXPECT_TRUE(torch::equal(plain(ids, types, mask).start, plain(ids, types, mask, torch::ones_like(ids)).start));
  EXPECT_EQ(BertConfig::parse(c.to_json(), "again").lexical_match_types, 3);
  EXPECT_THROW(BertConfig::parse(R"({"lexical_match_types": -1})", "c"), InputError);
}

}  // namespace frugal
