// The transformer engine's speed (issue 5), matched one to one by bench/model_peer.py (PyTorch
// 1.13 eager) and bench/onnx_peer.js (ONNX Runtime):
//   MlmTrainStep      BERT 4 layers, hidden 256, 4 heads, FFN 1024, vocab 8,000; batch 32 x 128
//                     tokens, 15% of positions masked; forward + loss + backward + AdamW step
//   EncoderForward    the same encoder (no head), inference, batch 1 and 32 x 128 tokens
//   EncoderPrecision  the same at --precision fp32 / bf16 / int8 (nn/precision_torch.h)
//   Gemm              1024^3 float GEMM: the machine's ceiling for model FLOP utilisation
//   Gpt2Generate      GPT-2 4 layers, hidden 256, vocab 8,000: 32 new tokens after a 32-token
//                     prompt, with the KV cache and by recomputing the prefix every step
//   ElectraSample     ELECTRA's generator samples for one batch: Gumbel-max vs sample_rows
// Run: build/bench/bench_model --benchmark_min_time=3   (threads: FRUGAL_BENCH_THREADS, default 2)
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>

#include "bench_threads_env.h"
#include "core/threads.h"
#include "nn/bert_torch.h"
#include "nn/gpt2_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/precision_torch.h"
#include "train/electra_torch.h"
#include "train/pretrain_torch.h"
#include "nn/bert_family_torch.h"

namespace frugal {
namespace {

const char* kBert = R"({"vocab_size": 8000, "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
                        "intermediate_size": 1024, "max_position_embeddings": 128})";

TrainBatch mlm_batch(std::int64_t batch, std::int64_t seq) {
  torch::manual_seed(1);
  TrainBatch b;
  b.inputs.input_ids = torch::randint(5, 8000, {batch, seq}, torch::kLong);
  b.inputs.token_type_ids = torch::zeros({batch, seq}, torch::kLong);
  b.inputs.attention_mask = torch::ones({batch, seq}, torch::kLong);
  const auto masked = torch::rand({batch, seq}) < 0.15;
  b.labels = torch::where(masked, b.inputs.input_ids, torch::full_like(b.inputs.input_ids, -100));
  b.tokens = batch * seq;
  return b;
}

void BM_MlmTrainStep(benchmark::State& state) {
  configure_threads(bench_threads());
  Model model(kBertForMaskedLM, kBert, "bench", 0);
  model.module()->train();
  torch::optim::AdamW optimizer(model.module()->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(0.01));
  const auto batch = mlm_batch(32, 128);
  for (auto _ : state) {
    optimizer.zero_grad();
    masked_lm_loss(model, batch).backward();
    optimizer.step();
  }
  state.counters["tokens_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * batch.tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MlmTrainStep)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EncoderForward(benchmark::State& state) {
  configure_threads(bench_threads());
  Model model(kBertModel, kBert, "bench", 0);
  model.module()->eval();
  auto bert = std::static_pointer_cast<BertModelImpl>(model.module());
  const auto b = mlm_batch(state.range(0), 128);
  torch::InferenceMode inference;  // no autograd bookkeeping, no version counters
  for (auto _ : state) {
    auto out = bert->forward(b.inputs.input_ids, b.inputs.token_type_ids, b.inputs.attention_mask);
    benchmark::DoNotOptimize(out.data_ptr());
  }
  state.counters["sequences_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EncoderForward)->Arg(1)->Arg(32)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EncoderPrecision(benchmark::State& state) {
  configure_threads(bench_threads());
  Model model(kBertModel, kBert, "bench", 0);
  model.module()->eval();
  const Precision precisions[] = {Precision::kFp32, Precision::kBf16, Precision::kInt8};
  const auto precision = precisions[state.range(1)];
  to_precision(model, torch::kCPU, precision);
  auto bert = std::static_pointer_cast<BertModelImpl>(model.module());
  const auto b = mlm_batch(state.range(0), 128);
  torch::InferenceMode inference;
  for (auto _ : state) {
    auto out = bert->forward(b.inputs.input_ids, b.inputs.token_type_ids, b.inputs.attention_mask);
    benchmark::DoNotOptimize(out.data_ptr());
  }
  state.SetLabel(precision_name(precision));
  state.counters["sequences_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EncoderPrecision)->ArgsProduct({{1, 32}, {0, 1, 2}})->ArgNames({"batch", "precision"})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Gemm(benchmark::State& state) {
  configure_threads(bench_threads());
  const auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
  for (auto _ : state) {
    auto c = torch::mm(a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * 1024 * 1024 * 1024 * static_cast<double>(state.iterations()) / 1e9,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gemm)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Gpt2Generate(benchmark::State& state) {
  configure_threads(bench_threads());
  const bool cached = state.range(0) == 1;
  const std::int64_t batch = state.range(1);
  Gpt2Config c;
  c.vocab_size = 8000;
  c.n_embd = 256;
  c.n_layer = 4;
  c.n_head = 4;
  c.n_positions = 128;
  torch::manual_seed(0);
  Gpt2LMHeadModel model(c);
  init_gpt2_weights(*model, c);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto prompt = torch::randint(0, 8000, {batch, 32}, torch::kLong);
  for (auto _ : state) {
    if (cached) {
      KVCache cache(c, batch, 64, torch::TensorOptions().dtype(torch::kFloat32));
      auto logits = model(Gpt2Inputs{prompt}, &cache);
      auto next = logits.select(1, -1).argmax(-1, true);
      for (int t = 1; t < 32; ++t) next = model(Gpt2Inputs{next}, &cache).select(1, -1).argmax(-1, true);
      benchmark::DoNotOptimize(next.data_ptr());
    } else {
      auto ids = prompt;
      for (int t = 0; t < 32; ++t) {
        const auto next = model(Gpt2Inputs{ids}).select(1, -1).argmax(-1, true);
        ids = torch::cat({ids, next}, 1);
      }
      benchmark::DoNotOptimize(ids.data_ptr());
    }
  }
  state.counters["tokens_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 32 * batch), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gpt2Generate)->ArgsProduct({{0, 1}, {1, 8}})->ArgNames({"cache", "batch"})->Unit(benchmark::kMillisecond)->UseRealTime();

// ELECTRA's generator samples (train/electra_torch.h): one token per masked position of a 32 x 128
// batch (15%: 614 rows) from an 8,000-token softmax. 0: Gumbel-max (argmax of logits + Gumbel
// noise, the sampler before sample_rows), 1: sample_rows (inverse transform).
void BM_ElectraSample(benchmark::State& state) {
  configure_threads(bench_threads());
  torch::manual_seed(0);
  const auto logits = torch::randn({614, 8000}) * 3;
  for (auto _ : state) {
    torch::Tensor drawn;
    if (state.range(0) == 0) {
      const auto uniform = torch::rand(logits.sizes()).clamp_(1e-9, 1.0 - 1e-7);
      drawn = (logits - torch::log(-torch::log(uniform))).argmax(-1);
    } else {
      drawn = sample_rows(logits);
    }
    benchmark::DoNotOptimize(drawn.data_ptr());
  }
  state.SetLabel(state.range(0) == 0 ? "gumbel-max" : "sample_rows");
}
BENCHMARK(BM_ElectraSample)->Arg(0)->Arg(1)->ArgName("sampler")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace frugal

BENCHMARK_MAIN();
