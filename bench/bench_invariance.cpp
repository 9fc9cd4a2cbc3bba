// What batch invariance costs (issue 11): the windows of a QA / answer-span stage run through a
// BERT encoder (4 layers, hidden 256, FFN 1024, 384 positions) in two ways:
//   DynamicBatches  the former way: sorted by length, batches of 32 padded to their longest,
//                   one forward at a time with every thread inside it (results depend on the
//                   batch a window shares)
//   Invariant       frugal's way now: each window alone, padded to its length bucket, forwards
//                   single-threaded and spread over the worker threads (results depend on the
//                   window alone; nn/fixed_shape_batches.h)
// 256 windows with lengths drawn uniformly from [48, 384] (seed 1).
// Run: build/bench/bench_invariance --benchmark_min_time=2   (threads: FRUGAL_BENCH_THREADS, default 2)
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "bench_threads_env.h"
#include "core/threads.h"
#include "nn/bert_torch.h"
#include "nn/fixed_shape_batches.h"
#include "nn/invariant_inference_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/bert_family_torch.h"

namespace frugal {
namespace {

const char* kBert = R"({"vocab_size": 8000, "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
                        "intermediate_size": 1024, "max_position_embeddings": 384})";

std::vector<std::int64_t> window_lengths() {
  torch::manual_seed(1);
  const auto t = torch::randint(48, 385, {256}, torch::kLong);
  return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + 256);
}

ModelBatch padded(const std::vector<std::int64_t>& lengths, const std::vector<std::size_t>& rows, std::int64_t length) {
  ModelBatch b;
  const auto n = static_cast<std::int64_t>(rows.size());
  b.input_ids = torch::zeros({n, length}, torch::kLong);
  b.attention_mask = torch::zeros({n, length}, torch::kLong);
  for (std::int64_t r = 0; r < n; ++r) {
    const auto len = lengths[rows[static_cast<std::size_t>(r)]];
    b.input_ids[r].narrow(0, 0, len).fill_(7 + r);
    b.attention_mask[r].narrow(0, 0, len).fill_(1);
  }
  b.token_type_ids = torch::zeros_like(b.input_ids);
  return b;
}

void BM_WindowsDynamicBatches(benchmark::State& state) {
  configure_threads(bench_threads());
  Model model(kBertModel, kBert, "bench", 0);
  model.module()->eval();
  auto bert = std::static_pointer_cast<BertModelImpl>(model.module());
  const auto lengths = window_lengths();
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    for (std::size_t b = 0; b < order.size(); b += 32) {
      const std::vector<std::size_t> rows(order.begin() + static_cast<std::ptrdiff_t>(b),
                                          order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), b + 32)));
      std::int64_t longest = 0;
      for (const auto r : rows) longest = std::max(longest, lengths[r]);
      const auto in = padded(lengths, rows, longest);
      auto out = bert->forward(in.input_ids, in.token_type_ids, in.attention_mask);
      benchmark::DoNotOptimize(out.data_ptr());
    }
  }
  state.counters["windows_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * lengths.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WindowsDynamicBatches)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WindowsInvariant(benchmark::State& state) {
  configure_threads(bench_threads());
  Model model(kBertModel, kBert, "bench", 0);
  model.module()->eval();
  auto bert = std::static_pointer_cast<BertModelImpl>(model.module());
  const auto lengths = window_lengths();
  std::vector<std::size_t> sizes(lengths.begin(), lengths.end());
  const auto plan = plan_fixed_shape_batches(sizes, {}, 1, 384);
  for (auto _ : state) {
    run_invariant_batches(plan.size(), bench_threads(), torch::kCPU, [&](std::size_t b) {
      const auto in = padded(lengths, plan[b].slots, static_cast<std::int64_t>(plan[b].length));
      auto out = bert->forward(in.input_ids, in.token_type_ids, in.attention_mask);
      benchmark::DoNotOptimize(out.data_ptr());
    });
  }
  state.counters["windows_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * lengths.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WindowsInvariant)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace frugal

BENCHMARK_MAIN();
