// Serving's batch invariance (nn/linear_torch.h): under SequenceWiseProducts, a row's outputs
// from a batched forward are bit-identical to the same row run alone, for BERT and GPT-2 at
// widths where plain batched products differ (hidden 256: attention's matmul alone already
// changes bits with the batch size), on one thread and with padding rows of several lengths.
#include "nn/linear_torch.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "core/threads.h"
#include "nn/model_dir_torch.h"

namespace frugal {
namespace {

std::map<std::string, torch::Tensor> outputs(Model& model, const ModelBatch& b) {
  torch::NoGradGuard no_grad;
  SequenceWiseProducts sequence_wise;
  std::map<std::string, torch::Tensor> out;
  for (auto& [name, t] : model.forward(b)) out[name] = t.contiguous();
  return out;
}

ModelBatch rows_of(std::int64_t rows, std::int64_t length, std::int64_t vocab) {
  torch::manual_seed(11);
  ModelBatch b;
  b.input_ids = torch::randint(1, vocab, {rows, length}, torch::kLong);
  b.attention_mask = torch::ones({rows, length}, torch::kLong);
  for (std::int64_t r = 0; r < rows; ++r) b.attention_mask[r].narrow(0, length - 1 - 3 * r, 1 + 3 * r).zero_();  // own lengths
  b.token_type_ids = torch::zeros({rows, length}, torch::kLong);
  return b;
}

ModelBatch row(const ModelBatch& b, std::int64_t r) {
  ModelBatch one;
  one.input_ids = b.input_ids.narrow(0, r, 1);
  one.attention_mask = b.attention_mask.narrow(0, r, 1);
  one.token_type_ids = b.token_type_ids.narrow(0, r, 1);
  return one;
}

void expect_rows_alone_equal_batched(const std::string& arch, const std::string& config, std::int64_t vocab) {
  configure_threads(1);
  Model model(arch, config, "test", 3);
  model.module()->eval();
  for (const std::int64_t length : {16, 64}) {
  const auto batch = rows_of(3, length, vocab);
  const auto together = outputs(model, batch);
  ASSERT_FALSE(together.empty());
  for (std::int64_t r = 0; r < 3; ++r) {
    const auto alone = outputs(model, row(batch, r));
    for (const auto& [name, t] : together) {
      if (name == "attention_mask" || name == "input_ids") continue;
      const auto a = t.narrow(0, r, 1).contiguous().to(torch::kFloat32);
      const auto b = alone.at(name).to(torch::kFloat32);
      ASSERT_EQ(a.sizes(), b.sizes()) << name;
      EXPECT_EQ(std::memcmp(a.data_ptr<float>(), b.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(a.numel())), 0)
          << arch << " " << name << " length " << length << " row " << r << ": max |diff| " << (a - b).abs().max().item<float>();
    }
  }
  }
  configure_threads(0);
}

}  // namespace

TEST(SequenceWiseProducts, BertRowsAreTheirOwnWhateverTheBatch) {
  expect_rows_alone_equal_batched("BertForQuestionAnswering",
                                  R"({"vocab_size": 500, "hidden_size": 256, "num_hidden_layers": 2, "num_attention_heads": 4,
                                      "intermediate_size": 1024, "max_position_embeddings": 128})",
                                  500);
}

// The tied output embeddings (MLM decoder, GPT-2's LM head) are products too: on AVX-512 OpenBLAS
// their bits followed the batch until they went sequence by sequence.
TEST(SequenceWiseProducts, BertMaskedLmRowsAreTheirOwnWhateverTheBatch) {
  expect_rows_alone_equal_batched("BertForMaskedLM",
                                  R"({"vocab_size": 500, "hidden_size": 256, "num_hidden_layers": 1, "num_attention_heads": 4,
                                      "intermediate_size": 1024, "max_position_embeddings": 128})",
                                  500);
}

TEST(SequenceWiseProducts, Gpt2RowsAreTheirOwnWhateverTheBatch) {
  expect_rows_alone_equal_batched("GPT2LMHeadModel",
                                  R"({"vocab_size": 500, "n_embd": 256, "n_layer": 2, "n_head": 4, "n_positions": 128})", 500);
}

TEST(SequenceWiseProducts, ScopeIsPerThreadAndRestored) {
  EXPECT_FALSE(SequenceWiseProducts::active());
  {
    SequenceWiseProducts outer;
    {
      SequenceWiseProducts inner;
      EXPECT_TRUE(SequenceWiseProducts::active());
    }
    EXPECT_TRUE(SequenceWiseProducts::active());
    bool other = true;
    std::thread([&] { other = SequenceWiseProducts::active(); }).join();
    EXPECT_FALSE(other);
  }
  EXPECT_FALSE(SequenceWiseProducts::active());
  const auto a = torch::randn({3, 4, 8, 16}), b = torch::randn({3, 4, 16, 8});
  SequenceWiseProducts on;
  EXPECT_TRUE(torch::equal(matmul_per_sequence(a, b).narrow(0, 1, 1), torch::matmul(a.narrow(0, 1, 1), b.narrow(0, 1, 1))));
}

}  // namespace frugal
