// frugal augment tang --input TSV --output TSV [--p-mask] [--p-pos] [--p-ng] [--n-iter] --seed S
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "apps/cli/commands.h"
#include "augment/tang_augment.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/text_lines.h"
#include "data/tsv_table.h"

namespace frugal::cli {
namespace {

struct TangArgs {
  std::string input, output, columns, wordnet = "/usr/share/wordnet";
  TangOptions options;
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;
};

int run_tang(const TangArgs& args, const GlobalOptions& global) {
  AtomicFile out(args.output);  // opened first: an unwritable --output fails before the work
  if (!args.seed_given) throw InputError("--seed is required: every random choice takes a seed");
  const auto table = read_tsv_table(args.input);  // header + rows, ragged rows located
  std::vector<std::vector<std::string>> rows;
  rows.reserve(table.rows.size() + 1);
  rows.push_back(table.header);
  rows.insert(rows.end(), table.rows.begin(), table.rows.end());
  const auto& header = rows.front();
  std::vector<std::string> names = args.columns.empty() ? std::vector<std::string>{} : split_fields(args.columns, ',');
  if (names.empty()) {
    for (const char* candidates : {"sentence1,sentence2", "question,sentence", "sentence"}) {
      const auto c = split_fields(candidates, ',');
      if (std::all_of(c.begin(), c.end(), [&](const std::string& n) { return std::find(header.begin(), header.end(), n) != header.end(); })) {
        names = c;
        break;
      }
    }
    if (names.empty()) throw InputError(InputLocation{args.input, 1, 1}, "no sentence column; name it with --columns");
  }
  std::vector<std::size_t> columns;
  for (const auto& n : names) {
    const auto it = std::find(header.begin(), header.end(), n);
    if (it == header.end()) throw InputError(InputLocation{args.input, 1, 1}, "no column '" + n + "' in the header");
    columns.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  if (columns.size() > 2) throw InputError("at most two text columns (a sentence pair)");

  const auto lexicon = PosLexicon::load(args.wordnet);
  std::vector<std::string> corpus;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    for (auto c : columns) corpus.push_back(rows[r][c]);
  }
  const TangAugmenter augmenter(lexicon, corpus, args.options);
  spdlog::info("WordNet: {} lemmas; corpus words by part of speech: {} nouns, {} verbs, {} adjectives, {} adverbs",
               lexicon.lemmas(), augmenter.vocabulary(PartOfSpeech::Noun), augmenter.vocabulary(PartOfSpeech::Verb),
               augmenter.vocabulary(PartOfSpeech::Adjective), augmenter.vocabulary(PartOfSpeech::Adverb));

  const std::size_t n = rows.size() - 1;
  std::vector<std::vector<std::vector<std::string>>> variants(n);
  ProgressOptions po;
  po.label = "augment";
  po.unit = "rows";
  po.enabled = !global.no_progress;
  Progress progress(n, po);
  parallel_slices(n, worker_threads(args.threads), [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      std::vector<std::string> fields;
      for (auto c : columns) fields.push_back(rows[i + 1][c]);
      variants[i] = augmenter.augment(fields, args.seed, i);
      progress.advance();
    }
  });
  progress.finish();

  auto write_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t k = 0; k < row.size(); ++k) line += (k ? "\t" : "") + row[k];
    out.write(line + "\n");
  };
  std::size_t added = 0;
  for (const auto& row : rows) write_row(row);  // header and the originals first
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& v : variants[i]) {
      auto row = rows[i + 1];  // keeps the label and every other column
      for (std::size_t k = 0; k < columns.size(); ++k) row[columns[k]] = v[k];
      write_row(row);
      ++added;
    }
  }
  out.commit();
  std::cout << fmt::format("{} rows + {} augmented rows -> {}\n", n, added, args.output);
  return 0;
}

}  // namespace

void register_augment_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* augment = app.add_subcommand("augment", "Data augmentation for distillation");
  augment->require_subcommand(1);
  set_example(augment, "  frugal augment tang --input train.tsv --output augmented.tsv --seed 1");
  auto* tang = augment->add_subcommand("tang", "Tang et al. (2019): masking, POS-guided replacement, n-gram sampling");
  auto args = std::make_shared<TangArgs>();
  tang->add_option("--input", args->input, "GLUE-style TSV with a header")->required();
  tang->add_option("--output", args->output, "TSV: the input rows, then the augmented rows (labels kept)")->required();
  tang->add_option("--columns", args->columns, "Text column(s), comma-separated (default: sentence, or a pair)");
  tang->add_option("--p-mask", args->options.p_mask, "Probability of masking a word")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  tang->add_option("--p-pos", args->options.p_pos, "Probability of a same-POS replacement")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  tang->add_option("--p-ng", args->options.p_ng, "Probability of keeping only an n-gram (n in 1..5)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  tang->add_option("--n-iter", args->options.n_iter, "Tries per example")->capture_default_str();
  tang->add_option("--mask-token", args->options.mask_token, "Mask token text")->capture_default_str();
  tang->add_option("--wordnet", args->wordnet, "WordNet dictionary directory (Debian wordnet-base)")->capture_default_str();
  tang->add_option("--seed", args->seed, "Seed of every random choice")->each([args](const std::string&) { args->seed_given = true; });
  tang->add_option("--threads", args->threads, "Worker threads (results do not depend on it)")->check(CLI::NonNegativeNumber);
  set_example(tang, "  frugal augment tang --input ../shared/data/sst2/train.tsv --output sst2-aug.tsv --seed 1 --n-iter 20");
  table.add(tang, [args, &global] { return run_tang(*args, global); });
}

}  // namespace frugal::cli
