// SQuAD I/O and metric throughput: parsing the dev file, normalizing answers, and a full
// official evaluation. Run: build/bench/bench_squad [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/atomic_file.h"
#include "data/squad.h"
#include "tasks/qa/squad_eval.h"

namespace {

std::string mirror() {
  const char* env = std::getenv("FRUGAL_MIRROR");
  return env ? env : FRUGAL_DEFAULT_MIRROR;
}

void BM_ReadSquadV11Dev(benchmark::State& state) {
  const std::string text = frugal::read_file(mirror() + "/squad/dev-v1.1.json");
  for (auto _ : state) {
    auto data = frugal::parse_squad(text, "dev-v1.1.json");
    benchmark::DoNotOptimize(data);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ReadSquadV11Dev)->Unit(benchmark::kMillisecond);

void BM_EvaluateV11GoldPredictions(benchmark::State& state) {
  const auto data = frugal::read_squad(mirror() + "/squad/dev-v1.1.json");
  frugal::SquadPredictions predictions;
  for (const auto& a : data.articles)
    for (const auto& p : a.paragraphs)
      for (const auto& q : p.qas) predictions[q.id] = q.answers.front().text;
  for (auto _ : state) {
    auto result = frugal::evaluate_squad(data, predictions, {});
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * data.num_questions()));
}
BENCHMARK(BM_EvaluateV11GoldPredictions)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
