// Tokenizer throughput in process: SQuAD v1.1 dev contexts and SST-2 train sentences, with
// bert-base-uncased (WordPiece) and gpt2 (byte-level BPE), on 1 and 2 threads.
// Counters: tokens/s (items) and bytes/s. Run: build/bench/bench_tokenizer
// (the HF side: bench/tokenizer_peer.js; results in docs/benchmarks.md).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>

#include "core/atomic_file.h"
#include "core/json_input.h"
#include "text/tokenizer_loader.h"

namespace {

std::string mirror() {
  const char* env = std::getenv("FRUGAL_MIRROR");
  return env ? env : FRUGAL_DEFAULT_MIRROR;
}

const std::vector<std::string>& corpus(int which) {
  static std::vector<std::string> contexts, sentences;
  if (contexts.empty()) {
    simdjson::dom::parser parser;
    const std::string path = mirror() + "/squad/dev-v1.1.json";
    for (auto article : frugal::parse_json_file(parser, path)["data"].get_array())
      for (auto paragraph : article["paragraphs"].get_array()) contexts.emplace_back(std::string_view(paragraph["context"]));
    std::ifstream in(mirror() + "/sst2/train.tsv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) sentences.push_back(line.substr(0, line.find('\t')));
  }
  return which == 0 ? contexts : sentences;
}

const frugal::Tokenizer& tokenizer(int which) {
  static const frugal::Tokenizer bert = frugal::load_tokenizer(mirror() + "/vocab/bert-base-uncased/tokenizer.json");
  static const frugal::Tokenizer gpt2 = frugal::load_tokenizer(mirror() + "/vocab/gpt2/tokenizer.json");
  return which == 0 ? bert : gpt2;
}

void BM_Encode(benchmark::State& state) {
  const auto& tok = tokenizer(static_cast<int>(state.range(0)));
  const auto& texts = corpus(static_cast<int>(state.range(1)));
  const int threads = static_cast<int>(state.range(2));
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  std::size_t tokens = 0;
  for (auto _ : state) {
    const auto encodings = tok.encode_batch(texts, false, threads);
    tokens = 0;
    for (const auto& e : encodings) tokens += e.size();
    benchmark::DoNotOptimize(tokens);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetLabel(std::string(state.range(0) == 0 ? "bert-base-uncased" : "gpt2") + " " +
                 (state.range(1) == 0 ? "squad-contexts" : "sst2-train"));
}
BENCHMARK(BM_Encode)
    ->ArgsProduct({{0, 1}, {0, 1}, {1, 2}})
    ->ArgNames({"tokenizer", "corpus", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
