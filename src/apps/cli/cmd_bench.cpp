// frugal bench mask: the whole-word-masking job of the "Using Julia to Do Whole Word Masking"
// write-up (SST-2 train repeated 4x = 269,396 sentences), each stage timed separately.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "apps/cli/commands.h"
#include "apps/cli/text_input.h"
#include "augment/whole_word_mask.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/statistics.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

struct BenchMaskArgs {
  std::string tokenizer;
  std::size_t repeat = 4;
  std::size_t runs = 5;
  int threads = 0;
  std::size_t words = 1;
};

template <class Fn>
double time_ms(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

int run_bench_mask(const BenchMaskArgs& args, const GlobalOptions& global) {
  auto cache = global.data_cache();
  const std::string tokenizer_path = args.tokenizer.empty() ? cache.file_path("bert-base-uncased", "vocab.txt") : args.tokenizer;
  const Tokenizer tokenizer = load_tokenizer(tokenizer_path);
  const auto records = read_text_records(cache.file_path("sst2", "train.tsv"), "sentence");
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < args.repeat; ++r) {
    for (const auto& rec : records) texts.push_back(rec.text);
  }
  const int threads = worker_threads(args.threads);
  const auto cls = tokenizer.token_to_id("[CLS]") >= 0 ? tokenizer.token_to_id("[CLS]") : tokenizer.token_to_id("<s>");
  const auto sep = tokenizer.token_to_id("[SEP]") >= 0 ? tokenizer.token_to_id("[SEP]") : tokenizer.token_to_id("</s>");
  const auto mask = tokenizer.token_to_id("[MASK]") >= 0 ? tokenizer.token_to_id("[MASK]") : tokenizer.token_to_id("<mask>");
  if (cls < 0 || sep < 0 || mask < 0) throw InputError("bench mask needs a tokenizer with [CLS] [SEP] [MASK] (or <s> </s> <mask>)");

  std::vector<double> tokenize, special, mark, sample, copy, inplace;
  std::vector<Encoding> encodings;
  TokenBatch batch;
  WordIndex index;
  WordChoice choice;
  std::vector<std::int32_t> ids, labels;
  for (std::size_t run = 0; run < args.runs; ++run) {
    tokenize.push_back(time_ms([&] { encodings = tokenizer.encode_batch(texts, false, threads); }));
    special.push_back(time_ms([&] {
      // [CLS] ids [SEP] into the flat batch.
      std::size_t total = 0;
      for (const auto& e : encodings) total += e.size() + 2;
      batch.clear();
      batch.ids.reserve(total);
      batch.word_ids.reserve(total);
      batch.offsets.reserve(encodings.size() + 1);
      for (const auto& e : encodings) {
        batch.ids.push_back(cls);
        batch.word_ids.push_back(-1);
        batch.ids.insert(batch.ids.end(), e.ids.begin(), e.ids.end());
        batch.word_ids.insert(batch.word_ids.end(), e.word_ids.begin(), e.word_ids.end());
        batch.ids.push_back(sep);
        batch.word_ids.push_back(-1);
        batch.offsets.push_back(batch.ids.size());
      }
    }));
    mark.push_back(time_ms([&] { mark_words(batch, index, threads); }));
    sample.push_back(time_ms([&] { sample_words(batch, index, args.words, 42, 1, choice, false, 0, threads); }));
    copy.push_back(time_ms([&] { mask_copy(batch, index, choice, mask, ids, labels, threads); }));
    ids = batch.ids;
    inplace.push_back(time_ms([&] { mask_in_place(batch, ids, index, choice, mask, threads); }));
  }
  std::cout << fmt::format(
      "{{\"sentences\": {}, \"threads\": {}, \"runs\": {}, \"words\": {}, \"tokenize_ms\": {:.1f}, \"special_tokens_ms\": {:.1f}, "
      "\"mark_ms\": {:.2f}, \"sample_ms\": {:.2f}, \"mask_copy_ms\": {:.2f}, \"mask_inplace_ms\": {:.2f}}}\n",
      texts.size(), threads, args.runs, args.words, median(tokenize), median(special), median(mark), median(sample),
      median(copy), median(inplace));
  return 0;
}

}  // namespace

void register_bench_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* bench = app.add_subcommand("bench", "Built-in benchmarks (results belong in docs/benchmarks.md)");
  bench->require_subcommand(1);
  set_example(bench, "  frugal --mirror ../shared/data bench mask --threads 2");
  auto* mask = bench->add_subcommand("mask", "Whole-word masking stages on SST-2 train x4 (269,396 sentences)");
  auto args = std::make_shared<BenchMaskArgs>();
  mask->add_option("--tokenizer", args->tokenizer, "Default: bert-base-uncased vocab.txt from the data cache");
  mask->add_option("--repeat", args->repeat, "Copies of SST-2 train")->capture_default_str();
  mask->add_option("--runs", args->runs, "Runs; each stage reports its median")->capture_default_str();
  mask->add_option("--threads", args->threads, "Threads (default: all cores)");
  mask->add_option("--words", args->words, "Words masked per sentence")->capture_default_str();
  set_example(mask, "  frugal --mirror ../shared/data bench mask --threads 2 --runs 5");
  table.add(mask, [args, &global] { return run_bench_mask(*args, global); });
  register_bench_model_commands(*bench, table, global);  // bench precision (cmd_infer.cpp)
}

}  // namespace frugal::cli
