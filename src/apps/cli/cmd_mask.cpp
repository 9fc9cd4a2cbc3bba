// frugal mask --tokenizer PATH --input FILE --mode words|mlm ... --seed S --output OUT.jsonl
#include <fmt/format.h>


#include "apps/cli/commands.h"
#include "apps/cli/text_input.h"
#include "augment/whole_word_mask.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

struct MaskArgs {
  std::string tokenizer, input, column, mode, output;
  std::vector<std::size_t> words = {1};
  double prob = 0.15;
  std::size_t max_predictions = 512;
  bool per_word = false;
  bool mask_short = false;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::size_t rounds = 1;
  int threads = 0;
};

std::int32_t mask_token_id(const Tokenizer& tokenizer) {
  for (const char* name : {"[MASK]", "<mask>"}) {
    const auto id = tokenizer.token_to_id(name);
    if (id >= 0) return id;
  }
  throw InputError("the tokenizer has no mask token ([MASK] or <mask>)");
}

void write_rows(const TokenBatch& batch, const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& labels,
                const std::vector<TextRecord>& records, std::size_t round, AtomicFile& out) {
  std::string buffer;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    buffer += "{\"ids\":[";
    for (auto t = batch.offsets[i]; t < batch.offsets[i + 1]; ++t) {
      if (t != batch.offsets[i]) buffer += ',';
      buffer += std::to_string(ids[t]);
    }
    buffer += "],\"labels\":[";
    for (auto t = batch.offsets[i]; t < batch.offsets[i + 1]; ++t) {
      if (t != batch.offsets[i]) buffer += ',';
      buffer += labels.empty() ? std::to_string(kIgnoreLabel) : std::to_string(labels[t]);
    }
    buffer += fmt::format("],\"source\":{},\"round\":{}}}\n", records[i].line, round);
    if (buffer.size() > (1 << 20)) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
}

int run_mask(const MaskArgs& args, const GlobalOptions& global) {
  if (args.mode != "words" && args.mode != "mlm") throw InputError("--mode must be words or mlm, not '" + args.mode + "'");
  if (!args.seed_given) throw InputError("--seed is required: every random choice takes a seed");
  const int threads = worker_threads(args.threads);
  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  const auto mask_id = mask_token_id(tokenizer);
  const auto records = read_text_records(args.input, args.column);
  std::vector<std::string> texts;
  texts.reserve(records.size());
  for (const auto& r : records) texts.push_back(r.text);

  const auto encodings = tokenizer.encode_batch(texts, true, threads);
  TokenBatch batch;
  batch.clear();
  for (const auto& e : encodings) batch.append(e);
  WordIndex index;
  mark_words(batch, index, threads);

  ProgressOptions po;
  po.label = "mask";
  po.unit = "rounds";
  po.enabled = !global.no_progress;
  AtomicFile out(args.output);
  std::vector<std::int32_t> ids, labels;
  if (args.mode == "words") {
    Progress progress(args.words.size() + 1, po);
    write_rows(batch, batch.ids, {}, records, 0, out);  // the original, round 0
    progress.advance();
    for (std::size_t r = 0; r < args.words.size(); ++r) {
      WordChoice choice;
      sample_words(batch, index, args.words[r], args.seed, r + 1, choice, args.mask_short, 0, threads);
      mask_copy(batch, index, choice, mask_id, ids, labels, threads);
      write_rows(batch, ids, labels, records, r + 1, out);
      progress.advance();
    }
  } else {
    MlmOptions options;
    options.probability = args.prob;
    options.max_predictions = args.max_predictions;
    options.per_word = args.per_word;
    options.mask_id = mask_id;
    const std::size_t vocab = tokenizer.vocab_size();
    for (std::size_t id = 0; id < vocab; ++id) {
      const auto i = static_cast<std::int32_t>(id);
      if (!tokenizer.added_vocabulary().is_special(i) && !tokenizer.id_to_token(i).empty()) options.replacement_ids.push_back(i);
    }
    Progress progress(args.rounds, po);
    for (std::size_t r = 0; r < args.rounds; ++r) {
      mask_mlm(batch, index, options, args.seed, r, ids, labels, 0, threads);
      write_rows(batch, ids, labels, records, r, out);
      progress.advance();
    }
  }
  out.commit();
  return 0;
}

}  // namespace

void register_mask_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* mask = app.add_subcommand("mask", "Whole-word masking: exactly N words, or BERT's masked-LM scheme");
  auto args = std::make_shared<MaskArgs>();
  mask->add_option("--tokenizer", args->tokenizer, "vocab.txt, tokenizer.json or GPT-2/RoBERTa directory")->required();
  mask->add_option("--input", args->input, "Text lines, GLUE .tsv (header) or .jsonl")->required();
  mask->add_option("--column", args->column, "TSV column or JSONL key (default: sentence / text)");
  mask->add_option("--mode", args->mode, "words (exactly N words) or mlm")->required();
  mask->add_option("--words", args->words, "words mode: N per round, e.g. 1,2 (round 0 is the original)")->delimiter(',');
  mask->add_flag("--mask-short", args->mask_short, "words mode: mask examples with <= N words entirely (default: leave them)");
  mask->add_option("--prob", args->prob, "mlm: masking probability")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  mask->add_option("--max-predictions", args->max_predictions, "mlm: at most this many masked pieces")->capture_default_str();
  mask->add_flag("--per-word", args->per_word, "mlm: one 80/10/10 draw per word (default: per piece, as BERT)");
  mask->add_option("--rounds", args->rounds, "mlm: maskings per example (dynamic masking)")->capture_default_str();
  mask->add_option("--seed", args->seed, "Seed of every random choice")->each([args](const std::string&) { args->seed_given = true; });
  mask->add_option("--threads", args->threads, "Worker threads (results do not depend on it)")->check(CLI::NonNegativeNumber);
  mask->add_option("--output", args->output, "JSONL: ids, labels (-100 = not masked), source line, round")->required();
  set_example(mask,
              "  frugal mask --tokenizer ../shared/data/vocab/bert-base-uncased/vocab.txt --input ../shared/data/sst2/train.tsv \\\n"
              "      --mode words --words 1,2 --seed 1 --output masked.jsonl");
  table.add(mask, [args, &global] { return run_mask(*args, global); });
}

}  // namespace frugal::cli
