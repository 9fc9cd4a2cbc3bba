// frugal tokenize --tokenizer PATH --input FILE [--output FILE] [--format ids|tokens|jsonl] ...
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include <fstream>
#include <iostream>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/text_lines.h"
#include "text/tokenizer_loader.h"
#include "text/trainer.h"

namespace frugal::cli {
namespace {

struct TokenizeArgs {
  std::string tokenizer;
  std::string input;
  std::string output;
  std::string format = "ids";
  bool no_special_tokens = false;
  bool pair_tab = false;
  bool lossy = false;
  int threads = 0;
  std::size_t max_length = 0;
  std::size_t stride = 0;
  std::string truncation = "longest_first";
  std::string truncation_side = "right";
  std::string padding;  // "", "longest" or "max_length"
  std::size_t pad_to_multiple_of = 0;
  std::string padding_side = "right";
};

Side parse_side(const std::string& s, const char* flag) {
  if (s == "right") return Side::Right;
  if (s == "left") return Side::Left;
  throw InputError(std::string(flag) + " must be right or left, not '" + s + "'");
}

void configure_lengths(Tokenizer& tokenizer, const TokenizeArgs& args) {
  if (args.max_length > 0) {
    TruncationOptions t;
    t.max_length = args.max_length;
    t.stride = args.stride;
    t.direction = parse_side(args.truncation_side, "--truncation-side");
    if (args.truncation == "longest_first") {
      t.strategy = TruncationStrategy::LongestFirst;
    } else if (args.truncation == "only_first") {
      t.strategy = TruncationStrategy::OnlyFirst;
    } else if (args.truncation == "only_second") {
      t.strategy = TruncationStrategy::OnlySecond;
    } else {
      throw InputError("--truncation must be longest_first, only_first or only_second, not '" + args.truncation + "'");
    }
    tokenizer.set_truncation(t);
  } else if (args.stride > 0) {
    throw InputError("--stride needs --max-length");
  }
  if (!args.padding.empty()) {
    if (args.padding != "longest" && args.padding != "max_length") {
      throw InputError("--padding must be longest or max_length, not '" + args.padding + "'");
    }
    if (args.padding == "max_length" && args.max_length == 0) throw InputError("--padding max_length needs --max-length");
    PaddingOptions p;
    p.length = args.padding == "max_length" ? args.max_length : 0;
    p.pad_to_multiple_of = args.pad_to_multiple_of;
    p.direction = parse_side(args.padding_side, "--padding-side");
    // The tokenizer's own pad token: [PAD], <pad>, else id 0.
    for (const char* name : {"[PAD]", "<pad>", "<|endoftext|>"}) {
      const auto id = tokenizer.token_to_id(name);
      if (id >= 0) {
        p.pad_id = id;
        p.pad_token = name;
        break;
      }
    }
    tokenizer.set_padding(p);
  }
}

void append_int_list(std::string& out, const std::vector<std::int32_t>& values, bool null_negative) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (null_negative && values[i] < 0) {
      out += "null";
    } else {
      out += std::to_string(values[i]);
    }
  }
  out += ']';
}

void format_encoding(const Encoding& e, const std::string& format, bool with_types, std::string& out, bool nested = false) {
  if (format == "ids") {
    for (std::size_t i = 0; i < e.ids.size(); ++i) {
      if (i) out += ' ';
      out += std::to_string(e.ids[i]);
    }
  } else if (format == "tokens") {
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
      if (i) out += ' ';
      out += e.tokens[i];
    }
  } else {
    out += "{\"ids\":";
    append_int_list(out, e.ids, false);
    out += ",\"tokens\":[";
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, e.tokens[i]);
    }
    out += "],\"offsets\":[";
    for (std::size_t i = 0; i < e.offsets.size(); ++i) {
      if (i) out += ',';
      out += '[' + std::to_string(e.offsets[i].first) + ',' + std::to_string(e.offsets[i].second) + ']';
    }
    out += "],\"word_ids\":";
    append_int_list(out, e.word_ids, true);
    if (with_types) {
      out += ",\"type_ids\":";
      append_int_list(out, e.type_ids, false);
      out += ",\"sequence_ids\":";
      append_int_list(out, e.sequence_ids, true);
    }
    if (e.attention_mask.end() != std::find(e.attention_mask.begin(), e.attention_mask.end(), 0)) {
      out += ",\"attention_mask\":[";
      for (std::size_t i = 0; i < e.attention_mask.size(); ++i) out += (i ? "," : "") + std::to_string(e.attention_mask[i]);
      out += ']';
    }
    if (!e.overflowing.empty()) {
      out += ",\"overflowing\":[";
      for (std::size_t i = 0; i < e.overflowing.size(); ++i) {
        if (i) out += ',';
        format_encoding(e.overflowing[i], format, with_types, out, true);
      }
      out += ']';
    }
    out += '}';
  }
  if (!nested) out += '\n';
}

int run_tokenize(const TokenizeArgs& args, const GlobalOptions& global) {
  if (args.tokenizer.empty() || args.input.empty()) throw InputError("--tokenizer and --input are required (see frugal tokenize --help)");
  if (args.format != "ids" && args.format != "tokens" && args.format != "jsonl") {
    throw InputError("--format must be ids, tokens or jsonl, not '" + args.format + "'");
  }
  std::unique_ptr<AtomicFile> file;  // opened first: an unwritable --output fails before the work
  if (!args.output.empty()) file = std::make_unique<AtomicFile>(args.output);
  Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  configure_lengths(tokenizer, args);
  std::vector<std::string> lines;
  for_each_line(args.input, [&](std::string& line, std::uint64_t) { lines.push_back(std::move(line)); }, args.lossy);

  const int threads = worker_threads(args.threads > 0 ? args.threads : global.threads);
  constexpr std::size_t kChunk = 8192;
  if (args.padding == "longest" && lines.size() > kChunk) {
    throw InputError("--padding longest pads one batch; give at most " + std::to_string(kChunk) + " lines, or use max_length");
  }
  const bool add_special = !args.no_special_tokens;
  ProgressOptions po;
  po.label = "tokenize";
  po.unit = "lines";
  po.enabled = !global.no_progress;
  Progress progress(lines.size(), po);

  std::vector<Encoding> encodings;
  std::string out;
  for (std::size_t chunk = 0; chunk < lines.size(); chunk += kChunk) {
    const std::size_t end = std::min(lines.size(), chunk + kChunk);
    encodings.assign(end - chunk, Encoding{});
    parallel_slices(end - chunk, threads, [&](std::size_t first, std::size_t last) {
      for (std::size_t i = chunk + first; i < chunk + last; ++i) {
        const std::string& line = lines[i];
        if (args.pair_tab) {
          const auto tab = line.find('\t');
          encodings[i - chunk] = tab == std::string::npos
                                     ? tokenizer.encode(line, add_special)
                                     : tokenizer.encode_pair(std::string_view(line).substr(0, tab),
                                                             std::string_view(line).substr(tab + 1), add_special);
        } else {
          encodings[i - chunk] = tokenizer.encode(line, add_special);
        }
      }
    });
    tokenizer.pad(encodings);  // --padding longest: to the longest of the batch
    out.clear();
    for (const auto& e : encodings) format_encoding(e, args.format, args.pair_tab, out);
    if (file) {
      file->write(out);
    } else {
      std::cout << out;
    }
    progress.advance(end - chunk);
  }
  progress.finish();
  if (file) file->commit();
  return 0;
}

struct TrainArgs {
  std::string type;
  std::size_t vocab_size = 8000;
  std::uint64_t min_frequency = 2;
  std::vector<std::string> corpus;
  std::string out;
  std::optional<std::string> special_tokens;
  bool cased = false;
  std::string alphabet = "bytes";
};

int run_train(const TrainArgs& args, const GlobalOptions& global) {
  TrainerOptions options;
  if (args.type == "wordpiece") {
    options.model = TrainedModel::WordPiece;
  } else if (args.type == "bpe") {
    options.model = TrainedModel::ByteLevelBpe;
  } else {
    throw InputError("--type must be wordpiece or bpe, not '" + args.type + "'");
  }
  if (args.alphabet != "bytes" && args.alphabet != "seen") throw InputError("--alphabet must be bytes or seen");
  options.vocab_size = args.vocab_size;
  options.min_frequency = args.min_frequency;
  options.lowercase = !args.cased;
  options.full_byte_alphabet = args.alphabet == "bytes";
  options.show_progress = !global.no_progress;
  if (args.special_tokens) {
    options.use_default_special_tokens = false;
    const std::string& list = *args.special_tokens;
    std::size_t start = 0;
    while (start < list.size()) {
      std::size_t end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) options.special_tokens.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  const auto result = train_vocabulary(args.corpus, options);
  save_trained_tokenizer(result, options, args.out);
  std::cout << fmt::format("{} words ({} distinct) -> {} tokens, {} merges in {}\n", result.word_occurrences,
                           result.words, result.vocab.size(), result.merges.size(), args.out);
  return 0;
}

}  // namespace

void register_tokenize_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* tokenize = app.add_subcommand("tokenize", "Tokenize text lines exactly as HuggingFace tokenizers would");
  auto args = std::make_shared<TokenizeArgs>();
  tokenize->add_option("--tokenizer", args->tokenizer, "vocab.txt, tokenizer.json, or a GPT-2/RoBERTa directory");
  tokenize->add_option("--input", args->input, "Text file, one input per line");
  tokenize->add_option("--output", args->output, "Output file (default: stdout)");
  tokenize->add_option("--format", args->format, "ids, tokens or jsonl (ids, tokens, offsets, word_ids)")->capture_default_str();
  tokenize->add_flag("--no-special-tokens", args->no_special_tokens, "Do not add [CLS]/[SEP] or <s>/</s>");
  tokenize->add_flag("--pair-tab", args->pair_tab, "Each line is a pair: first<TAB>second");
  tokenize->add_flag("--lossy", args->lossy, "Replace invalid UTF-8 with U+FFFD instead of failing");
  tokenize->add_option("--threads", args->threads, "Worker threads (default: --threads of frugal, else all cores)");
  tokenize->add_option("--max-length", args->max_length, "Truncate to this many tokens, special tokens included");
  tokenize->add_option("--stride", args->stride, "Overlap of the overflowing windows (jsonl key \"overflowing\")");
  tokenize->add_option("--truncation", args->truncation, "longest_first, only_first or only_second")->capture_default_str();
  tokenize->add_option("--truncation-side", args->truncation_side, "right or left")->capture_default_str();
  tokenize->add_option("--padding", args->padding, "longest (the whole input is one batch) or max_length");
  tokenize->add_option("--pad-to-multiple-of", args->pad_to_multiple_of, "Round padded lengths up to a multiple");
  tokenize->add_option("--padding-side", args->padding_side, "right or left")->capture_default_str();
  set_example(tokenize,
              "  frugal tokenize --tokenizer ../shared/data/vocab/bert-base-uncased/vocab.txt --input lines.txt --format jsonl\n"
              "  frugal tokenize --tokenizer ../shared/data/vocab/gpt2 --input lines.txt --output ids.txt\n"
              "  frugal tokenize --tokenizer bert/vocab.txt --input q-tab-context.txt --pair-tab --max-length 384 \\\n"
              "      --stride 128 --truncation only_second --format jsonl");
  table.add(tokenize, [args, &global] { return run_tokenize(*args, global); });

  auto* train = tokenize->add_subcommand("train", "Train a WordPiece or byte-level BPE vocabulary (HF tokenizers' algorithm)");
  auto targs = std::make_shared<TrainArgs>();
  train->add_option("--type", targs->type, "wordpiece or bpe")->required();
  train->add_option("--vocab-size", targs->vocab_size, "Vocabulary size, special tokens included")->capture_default_str();
  train->add_option("--min-frequency", targs->min_frequency, "Merge only pairs seen at least this often")->capture_default_str();
  train->add_option("--corpus", targs->corpus, "Text files, one text per line")->required();
  train->add_option("--out", targs->out, "Output directory: tokenizer.json + vocab.txt, or + vocab.json/merges.txt")->required();
  train->add_option("--special-tokens", targs->special_tokens,
                    "Comma-separated (default: [PAD],[UNK],[CLS],[SEP],[MASK] / <|endoftext|>)");
  train->add_flag("--cased", targs->cased, "WordPiece: keep case and accents (default: lowercase, strip accents)");
  train->add_option("--alphabet", targs->alphabet, "BPE: bytes (all 256 byte symbols) or seen (only those in the corpus)")
      ->capture_default_str();
  set_example(train,
              "  frugal tokenize train --type wordpiece --vocab-size 8000 --corpus corpus.txt --out tok/\n"
              "  frugal tokenize train --type bpe --vocab-size 8000 --corpus a.txt b.txt --out bpe/");
  table.add(train, [targs, &global] { return run_train(*targs, global); });
}

}  // namespace frugal::cli
