#include "nn/electra_family_torch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <set>

#include "core/error.h"
#include "nn/bert_family_torch.h"
#include "nn/model_dir_torch.h"
#include "test_support.h"
#include "train/electra_torch.h"

namespace frugal {
namespace {

const nlohmann::json kDiscriminator = {{"vocab_size", 60},          {"hidden_size", 32},           {"num_hidden_layers", 2},
                                       {"num_attention_heads", 4},  {"intermediate_size", 64},     {"max_position_embeddings", 32},
                                       {"hidden_dropout_prob", 0.0}, {"attention_probs_dropout_prob", 0.0}};

Model tiny_electra(std::uint64_t seed, const nlohmann::json& generator = nlohmann::json::object()) {
  return Model(kElectraForPreTraining, electra_config(kDiscriminator, generator).dump(), "electra.json", seed);
}

TrainBatch masked_batch() {
  // Two rows, the second padded; the masked positions hold [MASK] (id 3) with their originals as labels.
  TrainBatch b;
  b.inputs.input_ids = torch::tensor({{1, 7, 3, 9, 3, 2}, {1, 11, 12, 3, 2, 0}}, torch::kLong);
  b.inputs.token_type_ids = torch::zeros_like(b.inputs.input_ids);
  b.inputs.attention_mask = torch::tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0}}, torch::kLong);
  b.labels = torch::full({2, 6}, static_cast<std::int64_t>(kIgnoreLabel), torch::kLong);
  b.labels[0][2] = 8;
  b.labels[0][4] = 10;
  b.labels[1][3] = 13;
  return b;
}

}  // namespace

TEST(Electra, DefaultGeneratorIsAQuarterOfTheDiscriminatorAndSharesItsEmbeddings) {
  const auto config = electra_config(kDiscriminator, {});
  EXPECT_EQ(config["generator"]["hidden_size"], 8);
  EXPECT_EQ(config["generator"]["num_attention_heads"], 1);
  EXPECT_EQ(config["generator"]["intermediate_size"], 16);
  EXPECT_EQ(config["generator"]["num_hidden_layers"], 2);
  const auto model = tiny_electra(1);
  std::set<std::string> names;
  for (const auto& p : model.module()->named_parameters()) names.insert(p.key());
  EXPECT_TRUE(names.count("discriminator.embeddings.word_embeddings.weight"));
  EXPECT_TRUE(names.count("discriminator_predictions.dense.weight"));
  EXPECT_TRUE(names.count("discriminator_predictions.dense_prediction.weight"));
  EXPECT_TRUE(names.count("generator.embeddings_project.weight"));
  EXPECT_TRUE(names.count("generator.encoder.layer.1.attention.self.query.weight"));
  EXPECT_TRUE(names.count("generator.generator_lm_head.bias"));
  for (const auto& n : names) EXPECT_EQ(n.find("generator.embeddings.word"), std::string::npos) << n << ": embeddings are shared";
  // An equal-width generator needs no projection.
  const auto wide = tiny_electra(1, {{"hidden_size", 32}, {"num_attention_heads", 4}, {"num_hidden_layers", 1}});
  EXPECT_FALSE(wide.module()->named_parameters().contains("generator.embeddings_project.weight"));
}

TEST(Electra, GeneratorMustShareTheDiscriminatorsVocabulary) {
  auto config = electra_config(kDiscriminator, {});
  config["generator"]["vocab_size"] = 61;
  EXPECT_THROW(Model(kElectraForPreTraining, config.dump(), "electra.json", 1), InputError);
  config = electra_config(kDiscriminator, {});
  config.erase("discriminator");
  EXPECT_THROW(Model(kElectraForPreTraining, config.dump(), "electra.json", 1), InputError);
}

TEST(Electra, SampledRowsFollowTheSoftmax) {
  // Two distributions, 20,000 rows each: every token's frequency within 4.5 standard errors of its
  // softmax probability (seeded, so the outcome is fixed; a wrong sampler misses by far more).
  const auto a = torch::tensor({0.0, 1.0, 2.0, -1.0, 3.0});
  const auto b = torch::tensor({2.0, 2.0, -30.0, 0.5, -std::numeric_limits<double>::infinity()});
  const std::int64_t n = 20000;
  const auto logits = torch::cat({a.unsqueeze(0).expand({n, 5}), b.unsqueeze(0).expand({n, 5})});
  torch::manual_seed(11);
  const auto drawn = sample_rows(logits);
  ASSERT_EQ(drawn.sizes(), torch::IntArrayRef({2 * n}));
  EXPECT_EQ(drawn.scalar_type(), torch::kLong);
  for (const auto& [rows, probs] : {std::pair{drawn.narrow(0, 0, n), torch::softmax(a, 0)}, std::pair{drawn.narrow(0, n, n), torch::softmax(b, 0)}}) {
    const auto freq = torch::bincount(rows, {}, 5).to(torch::kDouble) / static_cast<double>(n);
    for (std::int64_t k = 0; k < 5; ++k) {
      const double p = probs[k].item<double>(), se = std::sqrt(p * (1 - p) / static_cast<double>(n)) + 1e-12;
      EXPECT_LE(std::abs(freq[k].item<double>() - p), 4.5 * se + 1e-9) << "token " << k << ": " << freq[k].item<double>() << " vs " << p;
    }
  }
  EXPECT_EQ(drawn.narrow(0, n, n).eq(4).sum().item<std::int64_t>(), 0);  // probability 0: never
  // One dominant logit: always it; no rows: no draws; seeded: the same draws again.
  EXPECT_TRUE(sample_rows(torch::tensor({{0.0, 50.0, 0.0}})).equal(torch::tensor({1}, torch::kLong)));
  EXPECT_EQ(sample_rows(torch::zeros({0, 7})).numel(), 0);
  torch::manual_seed(11);
  EXPECT_TRUE(sample_rows(logits).equal(drawn));
}

TEST(Electra, LossReplacesOnlyMaskedTokensAndBothPartsLearn) {
  auto model = tiny_electra(2);
  model.module()->train();
  const auto batch = masked_batch();
  torch::manual_seed(5);
  const auto first = electra_loss(model, batch, 50.0);
  EXPECT_EQ(first.masked, 3);
  EXPECT_EQ(first.tokens, 11);
  EXPECT_LE(first.replaced.item<std::int64_t>(), 3);
  EXPECT_NEAR(first.total.item<double>(), first.generator.item<double>() + 50.0 * first.discriminator.item<double>(), 1e-4);
  // The generator's loss reaches the shared word embeddings (tied output layer).
  first.generator.backward();
  const auto& words = model.module()->named_parameters()["discriminator.embeddings.word_embeddings.weight"];
  ASSERT_TRUE(words.grad().defined());
  EXPECT_GT(words.grad().abs().sum().item<double>(), 0);
  // A few hundred steps on the one batch: the generator learns the masked tokens, and the
  // discriminator then sees originals and says so.
  torch::optim::Adam adam(model.module()->parameters(), torch::optim::AdamOptions(3e-3));
  ElectraLoss last;
  for (int step = 0; step < 300; ++step) {
    adam.zero_grad();
    torch::manual_seed(100 + step);
    last = electra_loss(model, batch, 50.0);
    last.total.backward();
    adam.step();
  }
  EXPECT_LT(last.generator.item<double>(), 0.5 * first.generator.item<double>());
  EXPECT_LT(last.discriminator.item<double>(), first.discriminator.item<double>());
}

TEST(Electra, TheDiscriminatorBecomesABertModelWithTheSameOutputs) {
  auto electra = tiny_electra(3);
  electra.module()->eval();
  const auto batch = masked_batch().inputs;
  auto bert = electra_discriminator(electra);
  EXPECT_EQ(bert.architecture(), kBertModel);
  bert.module()->eval();
  const auto dir = test::scratch_dir("electra-export");
  bert.save(dir);
  auto loaded = Model::load(dir);
  loaded.module()->eval();
  torch::NoGradGuard no_grad;
  const auto expected = electra.forward(batch).front().second;
  const auto got = loaded.forward(batch).front().second;
  EXPECT_TRUE(torch::equal(expected, got));
}

TEST(Electra, SavedModelsLoadAndContinue) {
  auto electra = tiny_electra(4);
  const auto dir = test::scratch_dir("electra-save");
  electra.save(dir);
  auto loaded = Model::load(dir);
  EXPECT_EQ(loaded.architecture(), kElectraForPreTraining);
  electra.module()->eval();
  loaded.module()->eval();
  torch::NoGradGuard no_grad;
  const auto batch = masked_batch();
  torch::manual_seed(9);
  const auto a = electra_loss(electra, batch, 50.0).total.item<double>();
  torch::manual_seed(9);
  const auto b = electra_loss(loaded, batch, 50.0).total.item<double>();
  EXPECT_EQ(a, b);
}

}  // namespace frugal
