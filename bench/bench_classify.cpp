// Sentence classification speed (issue 12): teachers and students at batch 1 and 256 on rows of
// SST-2's length (24 tokens, the dev set's mean is 23), inference only.
//   Teacher/base     BertForSequenceClassification, bert-base size (12 x 768, vocab 30,522)
//   Teacher/small    the experiment's teacher (4 x 256)
//   Student/bilstm   Tang et al.'s BiLSTM (embedding 300, 1 x 150 per direction, FC 200)
//   Student/lstm     3-layer BiLSTM 384 per direction, attention pooling, MLP 512 + batch norm
//   Student/gru      the same with a 2-layer BiGRU
// Random weights (speed does not depend on them). Run:
//   FRUGAL_BENCH_THREADS=1 build/bench/bench_classify; FRUGAL_BENCH_THREADS=2 build/bench/bench_classify
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <map>
#include <string>

#include "bench_threads_env.h"
#include "core/threads.h"
#include "nn/bert_family_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/rnn_family_torch.h"

namespace frugal {
namespace {

struct Spec {
  Architecture arch;
  const char* config;
};

const std::map<std::string, Spec>& specs() {
  static const std::map<std::string, Spec> s = {
      {"teacher_base", {kBertForSequenceClassification, R"({"vocab_size": 30522})"}},
      {"teacher_small", {kBertForSequenceClassification, R"({"vocab_size": 30522, "hidden_size": 256, "num_hidden_layers": 4,
                                                             "num_attention_heads": 4, "intermediate_size": 1024})"}},
      {"student_bilstm", {kRnnForSequenceClassification, R"({"vocab_size": 30522})"}},
      {"student_lstm", {kRnnForSequenceClassification, R"({"vocab_size": 30522, "cell": "lstm", "num_layers": 3, "hidden_size": 384,
                                                            "pooling": "attention", "dropout": 0.25, "classifier_hidden": [512],
                                                            "classifier_batch_norm": true})"}},
      {"student_gru", {kRnnForSequenceClassification, R"({"vocab_size": 30522, "cell": "gru", "num_layers": 2, "hidden_size": 384,
                                                           "pooling": "attention", "dropout": 0.25, "classifier_hidden": [512],
                                                           "classifier_batch_norm": true})"}},
  };
  return s;
}

void run(benchmark::State& state, const std::string& name) {
  configure_threads(bench_threads());
  const auto& spec = specs().at(name);
  Model model(spec.arch, spec.config, "bench", 0);
  model.module()->eval();
  const auto batch = state.range(0), seq = std::int64_t{24};
  torch::manual_seed(1);
  ModelBatch b{torch::randint(1000, 30000, {batch, seq}, torch::kLong), torch::zeros({batch, seq}, torch::kLong),
               torch::ones({batch, seq}, torch::kLong), {}};
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    auto out = model.forward(b);
    benchmark::DoNotOptimize(out.back().second.data_ptr());
  }
  state.counters["sentences_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
  state.counters["parameters"] = static_cast<double>(model.parameter_count());
}

void BM_TeacherBase(benchmark::State& s) { run(s, "teacher_base"); }
void BM_TeacherSmall(benchmark::State& s) { run(s, "teacher_small"); }
void BM_StudentBilstm(benchmark::State& s) { run(s, "student_bilstm"); }
void BM_StudentLstm(benchmark::State& s) { run(s, "student_lstm"); }
void BM_StudentGru(benchmark::State& s) { run(s, "student_gru"); }
BENCHMARK(BM_TeacherBase)->Arg(1)->Arg(256)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TeacherSmall)->Arg(1)->Arg(256)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StudentBilstm)->Arg(1)->Arg(256)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StudentLstm)->Arg(1)->Arg(256)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StudentGru)->Arg(1)->Arg(256)->ArgName("batch")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace frugal

BENCHMARK_MAIN();
