#include "nn/fixed_shape_batches.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nn/invariant_inference_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/bert_family_torch.h"

namespace frugal {
namespace {

const char* kSpans = R"({"vocab_size": 300, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                         "intermediate_size": 64, "max_position_embeddings": 256, "max_span_length": 30})";

// Rows of random ids with random real lengths <= length, in a (rows, length) batch.
ModelBatch random_batch(std::int64_t rows, std::int64_t length, std::uint64_t seed) {
  torch::manual_seed(seed);
  ModelBatch b;
  b.input_ids = torch::randint(5, 300, {rows, length}, torch::kLong);
  b.attention_mask = torch::zeros({rows, length}, torch::kLong);
  const auto lengths = torch::randint(length / 2, length + 1, {rows}, torch::kLong);
  for (std::int64_t r = 0; r < rows; ++r) b.attention_mask[r].narrow(0, 0, lengths[r].item<std::int64_t>()).fill_(1);
  b.input_ids = b.input_ids.masked_fill(b.attention_mask.eq(0), 0);
  b.token_type_ids = torch::zeros_like(b.input_ids);
  b.allowed = b.attention_mask.to(torch::kBool);
  return b;
}

}  // namespace

TEST(FixedShapeBatches, BucketsAndSlotsDependOnTheRowAlone) {
  EXPECT_EQ(bucket_length(1, 384), 16u);
  EXPECT_EQ(bucket_length(17, 384), 32u);
  EXPECT_EQ(bucket_length(100, 384), 128u);
  EXPECT_EQ(bucket_length(129, 384), 256u);
  EXPECT_EQ(bucket_length(300, 384), 384u);
  EXPECT_EQ(bucket_length(200, 192), 200u);  // longer than the cap: its own length
  EXPECT_EQ(bucket_length(150, 192), 192u);
  // One row per batch.
  const auto single = plan_fixed_shape_batches({10, 100, 12}, {}, 1, 384);
  ASSERT_EQ(single.size(), 3u);
  EXPECT_EQ(single[0].slots, std::vector<std::size_t>{0});
  EXPECT_EQ(single[1].slots, std::vector<std::size_t>{2});
  EXPECT_EQ(single[2].length, 128u);
  // Lanes: rows 0, 2, 4 share lane 1 of bucket 16, so they land in three batches.
  const auto plan = plan_fixed_shape_batches({10, 100, 12, 130, 5, 14}, {1, 0, 1, 1, 1, 0}, 2, 384);
  ASSERT_EQ(plan.size(), 5u);
  EXPECT_EQ(plan[0].slots, (std::vector<std::size_t>{5, 0}));
  EXPECT_EQ(plan[1].slots, (std::vector<std::size_t>{kEmptySlot, 2}));
  EXPECT_EQ(plan[2].slots, (std::vector<std::size_t>{kEmptySlot, 4}));
  EXPECT_EQ(plan[3].length, 128u);
  EXPECT_EQ(plan[3].slots, (std::vector<std::size_t>{1, kEmptySlot}));
  EXPECT_EQ(plan[4].slots, (std::vector<std::size_t>{kEmptySlot, 3}));
  EXPECT_EQ(slot_rows(plan[4]), (std::vector<std::size_t>{3, 3}));
  EXPECT_THROW(plan_fixed_shape_batches({1, 2}, {}, 2, 16), std::invalid_argument);
  EXPECT_THROW(plan_fixed_shape_batches({1}, {2}, 2, 16), std::invalid_argument);
  std::vector<std::size_t> per_lane(8);
  for (std::uint64_t k = 0; k < 8000; ++k) ++per_lane[lane_of(k, 8)];
  for (const auto n : per_lane) EXPECT_NEAR(static_cast<double>(n), 1000.0, 150.0);
}

// The property the stages rely on: in a batch of fixed shape, a row's bits in a given slot do
// not depend on the other rows or on the number of threads the batches are spread over; alone
// in a batch of one, it gets the same bits in every run.
TEST(FixedShapeBatches, RowBitsIgnoreNeighboursPositionAndThreads) {
  Model model(kBertForAnswerSpans, kSpans, "cfg", 7);
  model.module()->eval();
  auto m = std::static_pointer_cast<BertForAnswerSpansImpl>(model.module());
  const std::int64_t rows = 8;
  for (const std::int64_t length : {64, 128, 192}) {
    const auto a = random_batch(rows, length, 1), b = random_batch(rows, length, 2);
    // b with a's row 5 in the same slot
    ModelBatch mixed = b;
    for (auto* t : {&mixed.input_ids, &mixed.attention_mask, &mixed.token_type_ids, &mixed.allowed}) *t = t->clone();
    mixed.input_ids[5].copy_(a.input_ids[5]);
    mixed.attention_mask[5].copy_(a.attention_mask[5]);
    mixed.allowed[5].copy_(a.allowed[5]);
    std::vector<torch::Tensor> out(2);
    for (const int threads : {1, 2}) {
      run_invariant_batches(2, threads, torch::kCPU, [&](std::size_t i) {
        const auto& in = i == 0 ? a : mixed;
        out[i] = m->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.allowed);
      });
      EXPECT_TRUE(torch::equal(out[0][5], out[1][5])) << "length " << length << ", threads " << threads << ": max diff "
                                                      << (out[0][5] - out[1][5]).abs().max().item<float>();
    }
  }
}

}  // namespace frugal
