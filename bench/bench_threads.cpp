// Thread-count and BLAS-variant decision (core/threads.h): a tiny transformer encoder's
// forward pass and a plain GEMM, at 1 and 2 threads. Run once per OpenBLAS build:
//   scripts/bench-threads.sh   (sets LD_LIBRARY_PATH to each variant in turn)
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "core/threads.h"

namespace {

// 2 layers, d_model 128, 4 heads, FFN 512: the size of frugal's test and student models.
torch::nn::TransformerEncoder tiny_encoder() {
  torch::manual_seed(0);
  auto layer = torch::nn::TransformerEncoderLayer(torch::nn::TransformerEncoderLayerOptions(128, 4).dim_feedforward(512).dropout(0.0));
  torch::nn::TransformerEncoder encoder(torch::nn::TransformerEncoderOptions(layer, 2));
  encoder->eval();
  return encoder;
}

void BM_TinyEncoderForward(benchmark::State& state) {
  frugal::configure_threads(static_cast<int>(state.range(0)));
  const int64_t batch = state.range(1);
  auto encoder = tiny_encoder();
  torch::NoGradGuard no_grad;
  const auto input = torch::randn({64, batch, 128});  // (sequence, batch, features)
  for (auto _ : state) {
    auto out = encoder->forward(input);
    benchmark::DoNotOptimize(out.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(frugal::current_threads().blas_library);
}
BENCHMARK(BM_TinyEncoderForward)
    ->ArgsProduct({{1, 2}, {1, 8, 32}})
    ->ArgNames({"threads", "batch"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_TinyEncoderTrainStep(benchmark::State& state) {
  frugal::configure_threads(static_cast<int>(state.range(0)));
  auto encoder = tiny_encoder();
  encoder->train();
  torch::optim::SGD optimizer(encoder->parameters(), 0.01);
  const auto input = torch::randn({64, 16, 128});
  for (auto _ : state) {
    optimizer.zero_grad();
    auto loss = encoder->forward(input).pow(2).mean();
    loss.backward();
    optimizer.step();
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_TinyEncoderTrainStep)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Sgemm(benchmark::State& state) {
  frugal::configure_threads(static_cast<int>(state.range(0)));
  const int64_t n = state.range(1);
  const auto a = torch::randn({n, n});
  const auto b = torch::randn({n, n});
  for (auto _ : state) {
    auto c = torch::mm(a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sgemm)->ArgsProduct({{1, 2}, {128, 1024}})->ArgNames({"threads", "n"})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
