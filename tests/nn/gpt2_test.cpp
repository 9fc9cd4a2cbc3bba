#include "nn/gpt2_torch.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"

namespace frugal {
namespace {

Gpt2Config tiny(std::int64_t types = 0) {
  Gpt2Config c;
  c.vocab_size = 50;
  c.n_embd = 16;
  c.n_layer = 2;
  c.n_head = 4;
  c.n_positions = 32;
  c.resid_pdrop = c.embd_pdrop = c.attn_pdrop = 0;
  c.type_vocab_size = types;
  return c;
}

}  // namespace

TEST(Gpt2, ParameterNamesAndShapesAreHuggingFaces) {
  Gpt2LMHeadModel model(tiny());
  std::set<std::string> names;
  for (const auto& p : model->named_parameters()) names.insert(p.key());
  std::set<std::string> expected = {"transformer.wte.weight", "transformer.wpe.weight", "transformer.ln_f.weight",
                                    "transformer.ln_f.bias"};
  for (int layer = 0; layer < 2; ++layer) {
    const std::string l = "transformer.h." + std::to_string(layer) + ".";
    for (const char* p : {"ln_1", "ln_2", "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"}) {
      expected.insert(l + p + ".weight");
      expected.insert(l + p + ".bias");
    }
  }
  EXPECT_EQ(names, expected);
  const auto params = model->named_parameters();
  // Conv1D stores (in, out): c_attn is (n_embd, 3 n_embd), c_fc (n_embd, 4 n_embd).
  EXPECT_EQ(params["transformer.h.0.attn.c_attn.weight"].sizes(), (std::vector<std::int64_t>{16, 48}));
  EXPECT_EQ(params["transformer.h.0.mlp.c_fc.weight"].sizes(), (std::vector<std::int64_t>{16, 64}));
  EXPECT_EQ(params["transformer.h.0.mlp.c_proj.weight"].sizes(), (std::vector<std::int64_t>{64, 16}));
  Gpt2LMHeadModel typed(tiny(3));
  EXPECT_EQ(typed->named_parameters()["transformer.token_type_embeddings.weight"].sizes(),
            (std::vector<std::int64_t>{3, 16}));
}

TEST(Gpt2, InitialisationScalesResidualProjections) {
  torch::manual_seed(0);
  auto c = tiny();
  c.n_embd = 64;
  c.n_layer = 8;
  Gpt2LMHeadModel model(c);
  init_gpt2_weights(*model, c);
  const auto params = model->named_parameters();
  EXPECT_NEAR(params["transformer.h.0.attn.c_attn.weight"].std().item<double>(), 0.02, 0.002);
  EXPECT_NEAR(params["transformer.h.0.attn.c_proj.weight"].std().item<double>(), 0.02 / 4.0, 0.001);
  EXPECT_EQ(params["transformer.h.0.attn.c_proj.bias"].abs().sum().item<double>(), 0.0);
}

TEST(Gpt2, CausalOutputsDoNotDependOnLaterTokens) {
  torch::manual_seed(1);
  const auto c = tiny();
  Gpt2LMHeadModel model(c);
  init_gpt2_weights(*model, c);
  torch::NoGradGuard no_grad;
  const auto a = model(Gpt2Inputs{torch::tensor({{3, 9, 4, 7, 1}}, torch::kLong)});
  const auto b = model(Gpt2Inputs{torch::tensor({{3, 9, 4, 2, 8}}, torch::kLong)});
  EXPECT_TRUE(torch::allclose(a.slice(1, 0, 3), b.slice(1, 0, 3), 1e-6, 1e-6));
  EXPECT_FALSE(torch::allclose(a.slice(1, 3), b.slice(1, 3), 1e-3, 1e-3));
}

TEST(Gpt2, KvCacheGivesTheSameLogitsAsRecomputingThePrefix) {
  torch::manual_seed(2);
  const auto c = tiny(3);
  Gpt2LMHeadModel model(c);
  init_gpt2_weights(*model, c);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto ids = torch::tensor({{5, 6, 7, 8, 9, 10, 11}, {1, 2, 3, 4, 5, 6, 7}}, torch::kLong);
  const auto types = torch::tensor({{0, 0, 1, 1, 2, 2, 2}, {0, 1, 1, 1, 2, 2, 2}}, torch::kLong);
  const auto full = model(Gpt2Inputs{ids, types});
  KVCache cache(c, 2, 16, torch::TensorOptions().dtype(torch::kFloat32));
  // A prefix of 4 in one call, then one token at a time.
  auto step = model(Gpt2Inputs{ids.slice(1, 0, 4), types.slice(1, 0, 4)}, &cache);
  EXPECT_EQ(cache.length, 4);
  EXPECT_TRUE(torch::allclose(step, full.slice(1, 0, 4), 1e-5, 1e-5));
  for (int t = 4; t < 7; ++t) {
    step = model(Gpt2Inputs{ids.slice(1, t, t + 1), types.slice(1, t, t + 1)}, &cache);
    EXPECT_TRUE(torch::allclose(step, full.slice(1, t, t + 1), 1e-5, 1e-5)) << "position " << t;
  }
  EXPECT_EQ(cache.length, 7);
  // A full cache refuses more.
  KVCache small(c, 2, 2, torch::TensorOptions().dtype(torch::kFloat32));
  EXPECT_THROW(model(Gpt2Inputs{ids.slice(1, 0, 3)}, &small), c10::Error);
}

TEST(Gpt2, LeftPaddedBatchWithPositionsMatchesUnpaddedRows) {
  torch::manual_seed(3);
  const auto c = tiny();
  Gpt2LMHeadModel model(c);
  init_gpt2_weights(*model, c);
  model->eval();
  torch::NoGradGuard no_grad;
  // Row 1 is 2 tokens shorter, padded on the left (as batched generation does).
  const auto alone = model(Gpt2Inputs{torch::tensor({{4, 5, 6}}, torch::kLong)});
  const auto ids = torch::tensor({{1, 2, 3, 4, 5}, {0, 0, 4, 5, 6}}, torch::kLong);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}}, torch::kLong);
  const auto positions = (mask.cumsum(1) - 1).clamp_min(0);
  Gpt2Inputs in{ids, {}, positions, mask};
  const auto batched = model(in);
  EXPECT_TRUE(torch::allclose(batched[1].slice(0, 2), alone[0], 1e-5, 1e-5));
  // The same through the cache, one token at a time.
  KVCache cache(c, 2, 8, torch::TensorOptions().dtype(torch::kFloat32));
  const auto prefix = model(Gpt2Inputs{ids.slice(1, 0, 4), {}, positions.slice(1, 0, 4), mask.slice(1, 0, 4)}, &cache);
  const auto last = model(Gpt2Inputs{ids.slice(1, 4, 5), {}, positions.slice(1, 4, 5), mask}, &cache);
  EXPECT_TRUE(torch::allclose(last[1][0], alone[0][2], 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(prefix[1].slice(0, 2, 4), alone[0].slice(0, 0, 2), 1e-5, 1e-5));
}

TEST(Gpt2Config, ParsesHuggingFaceFieldsAndRejectsOtherModels) {
  const auto c = Gpt2Config::parse(R"({"model_type": "gpt2", "n_embd": 64, "n_head": 4, "n_inner": null, "extra": 1})", "c");
  EXPECT_EQ(c.n_embd, 64);
  EXPECT_EQ(c.inner(), 256);
  EXPECT_EQ(c.vocab_size, 50257);
  EXPECT_EQ(Gpt2Config::parse(c.to_json(), "again").n_embd, 64);
  EXPECT_THROW(Gpt2Config::parse(R"({"model_type": "bert"})", "c"), InputError);
  EXPECT_THROW(Gpt2Config::parse(R"({"n_embd": 30, "n_head": 4})", "c"), InputError);
  EXPECT_THROW(Gpt2Config::parse(R"({"activation_function": "swish"})", "c"), InputError);
}

}  // namespace frugal
