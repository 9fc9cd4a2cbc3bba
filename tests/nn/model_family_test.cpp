// The model-family registry and the RNN family (the distillation students).
#include "nn/model_family_torch.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/sha256.h"
#include "nn/bert_family_torch.h"
#include "nn/gpt2_family_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/rnn_family_torch.h"
#include "nn/safetensors_torch.h"
#include "test_support.h"

namespace frugal {
namespace {

const char* kBert = R"({"vocab_size": 60, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                        "intermediate_size": 32, "max_position_embeddings": 32})";
const char* kGpt2 = R"({"vocab_size": 40, "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 16})";

std::string weights_sha256(const Model& model, const std::string& tag) {
  const auto dir = test::scratch_dir(tag);
  model.save(dir);
  return sha256_file(dir + "/model.safetensors");
}

TEST(ModelFamilies, EveryArchitectureHasOneFamilyThatBuildsIt) {
  std::set<std::string> seen;
  for (const auto& family : model_families()) {
    EXPECT_FALSE(family.heads.empty()) << family.name;
    for (const auto& arch : family.architectures) {
      EXPECT_TRUE(seen.insert(arch).second) << arch << " is claimed twice";
      EXPECT_EQ(&family_of(arch, "test"), &family);
    }
    for (const auto& [head, arch] : family.heads) EXPECT_EQ(architecture_for_head(family.name, head), arch);
  }
  EXPECT_EQ(architecture_for_head("bert", ""), kBertForMaskedLM);
  EXPECT_EQ(architecture_for_head("gpt2", ""), kGpt2LMHeadModel);
  EXPECT_EQ(architecture_for_head("rnn", ""), kRnnForSequenceClassification);
  EXPECT_THROW(family_of("BertForPreTraining", "cfg"), InputError);
  EXPECT_THROW(architecture_for_head("bert", "lm"), InputError);
}

// Hashes of the weights the pre-registry Model (commit 6905e2d, built beside this one) wrote with
// these configs and seeds: the same seed must still give the same bytes.
TEST(ModelFamilies, BertAndGpt2CheckpointsAreByteIdenticalToThePreRegistryOnes) {
  EXPECT_EQ(weights_sha256(Model(kBertForMaskedLM, kBert, "cfg", 3), "golden_bert_mlm"),
            "86e7e218a85c98e20f0aef2ad351dc765888032041d726e1ff22bb28bf865a53");
  EXPECT_EQ(weights_sha256(Model(kBertForSequenceClassification, kBert, "cfg", 4), "golden_bert_cls"),
            "26d9c8d569e978ff1d6734c1bdf31975f0f40ee93f69c74feb073ce4ab804dce");
  EXPECT_EQ(weights_sha256(Model(kGpt2LMHeadModel, kGpt2, "cfg", 5), "golden_gpt2_lm"),
            "49e660f2a44fa05f940639def7b9c77ada59f6e9edb00579480f2a079dae7e90");
}

const char* kRnn = R"({"vocab_size": 50, "embedding_dim": 8, "hidden_size": 6, "num_layers": 2, "cell": "lstm",
                       "pooling": "attention", "dropout": 0.25, "classifier_hidden": [10], "classifier_batch_norm": true,
                       "num_labels": 3})";

TEST(RnnFamily, ParameterCountMatchesTheConfigForEveryShape) {
  for (const char* cell : {"lstm", "gru"}) {
    for (const char* pooling : {"last", "max", "mean", "attention"}) {
      for (const bool bidirectional : {true, false}) {
        for (const bool batch_norm : {true, false}) {
          nlohmann::json j = nlohmann::json::parse(kRnn);
          j["cell"] = cell;
          j["pooling"] = pooling;
          j["bidirectional"] = bidirectional;
          j["classifier_batch_norm"] = batch_norm;
          Model m(kRnnForSequenceClassification, j.dump(), "cfg", 1);
          EXPECT_EQ(static_cast<double>(m.parameter_count()), RnnConfig::parse(j.dump(), "cfg").parameter_count()) << j.dump();
        }
      }
    }
  }
}

TEST(RnnFamily, BadConfigsAreInputErrorsNamingTheKey) {
  for (const char* bad : {R"({"cell": "rnn"})", R"({"pooling": "first"})", R"({"hidden_size": 0})", R"({"num_labels": 1})",
                          R"({"dropout": 1.0})", R"({"classifier_hidden": [0]})", R"({"classifier_hidden": 5})",
                          R"({"pad_token_id": 99, "vocab_size": 10})", R"({"embedding_dim": 1.5})"}) {
    EXPECT_THROW(Model(kRnnForSequenceClassification, bad, "cfg", 0), InputError) << bad;
  }
}

// Packed sequences: padding changes nothing, so a row padded into a batch gives the logits it
// gives alone (eval mode; the products differ in shape, hence the tolerance).
TEST(RnnFamily, PaddingDoesNotChangeARowsLogits) {
  for (const char* cell : {"lstm", "gru"}) {
    for (const char* pooling : {"last", "max", "mean", "attention"}) {
      nlohmann::json j = nlohmann::json::parse(kRnn);
      j["cell"] = cell;
      j["pooling"] = pooling;
      Model m(kRnnForSequenceClassification, j.dump(), "cfg", 2);
      m.module()->eval();
      torch::NoGradGuard no_grad;
      ModelBatch alone{torch::tensor({{5, 9, 14}}, torch::kLong), {}, torch::ones({1, 3}, torch::kLong), {}};
      ModelBatch padded{torch::tensor({{5, 9, 14, 0, 0}, {7, 8, 9, 10, 11}}, torch::kLong), {},
                        torch::tensor({{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}}, torch::kLong), {}};
      const auto a = m.forward(alone)[0].second;
      const auto p = m.forward(padded)[0].second;
      EXPECT_TRUE(torch::allclose(a[0], p[0], 1e-5, 1e-6)) << cell << " " << pooling << "\n" << a << "\n" << p;
    }
  }
}

TEST(RnnFamily, SaveLoadKeepsWeightsAndBatchNormStatistics) {
  const auto dir = test::scratch_dir("rnn_roundtrip");
  Model m(kRnnForSequenceClassification, kRnn, "cfg", 3);
  m.module()->train();
  {
    // Training-mode forwards move the batch-norm running statistics away from their start.
    ModelBatch b{torch::tensor({{5, 9, 14}, {3, 4, 0}}, torch::kLong), {}, torch::tensor({{1, 1, 1}, {1, 1, 0}}, torch::kLong), {}};
    torch::NoGradGuard no_grad;
    m.forward(b);
  }
  m.module()->eval();
  m.save(dir);
  const auto names = load_safetensors(dir + "/model.safetensors");
  bool has_stats = false;
  for (const auto& [name, t] : names) has_stats |= name == "classifier.batch_norm.0.running_mean";
  EXPECT_TRUE(has_stats);
  auto loaded = Model::load(dir);
  loaded.module()->eval();
  torch::NoGradGuard no_grad;
  ModelBatch b{torch::tensor({{1, 2, 3, 4}}, torch::kLong), {}, torch::ones({1, 4}, torch::kLong), {}};
  EXPECT_TRUE(torch::equal(m.forward(b)[0].second, loaded.forward(b)[0].second));
  EXPECT_EQ(loaded.architecture(), kRnnForSequenceClassification);
}

TEST(RnnFamily, FrozenEmbeddingsTakeNoGradient) {
  auto j = nlohmann::json::parse(kRnn);
  j["freeze_embeddings"] = true;
  Model m(kRnnForSequenceClassification, j.dump(), "cfg", 4);
  m.module()->train();
  ModelBatch b{torch::tensor({{5, 9, 14}, {3, 4, 6}}, torch::kLong), {}, torch::ones({2, 3}, torch::kLong), {}};
  m.forward(b)[0].second.sum().backward();
  auto params = m.module()->named_parameters();
  EXPECT_FALSE(params[kRnnWordEmbeddings].grad().defined());
  EXPECT_TRUE(params["rnn.0.weight_ih_l0"].grad().defined());
}

}  // namespace
}  // namespace frugal
