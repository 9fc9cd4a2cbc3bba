// frugal tokenize --tokenizer PATH --input FILE [--output FILE] [--format ids|tokens|jsonl] ...
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/progress.h"
#include "core/utf8.h"
#include "text/tokenizer_loader.h"

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
};

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

void format_encoding(const Encoding& e, const std::string& format, bool with_types, std::string& out) {
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
    out += '}';
  }
  out += '\n';
}

int run_tokenize(const TokenizeArgs& args, const GlobalOptions& global) {
  if (args.format != "ids" && args.format != "tokens" && args.format != "jsonl") {
    throw InputError("--format must be ids, tokens or jsonl, not '" + args.format + "'");
  }
  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  std::string text = read_file(args.input);
  // Lines, each checked for UTF-8 (the error names the line) or repaired with --lossy.
  std::vector<std::string> lines;
  std::size_t start = 0, line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    ++line_no;
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (const auto bad = find_invalid_utf8(line); bad != kValidUtf8) {
      if (!args.lossy) {
        throw InputError(InputLocation{args.input, line_no, bad + 1}, "invalid UTF-8 (use --lossy to replace it with U+FFFD)");
      }
      line = replace_invalid_utf8(line);
    }
    lines.push_back(std::move(line));
  }
  text.clear();
  text.shrink_to_fit();

  const int threads = args.threads > 0 ? args.threads : std::max(1, global.threads > 0 ? global.threads : static_cast<int>(std::thread::hardware_concurrency()));
  const bool add_special = !args.no_special_tokens;
  ProgressOptions po;
  po.label = "tokenize";
  po.unit = "lines";
  po.enabled = !global.no_progress;
  Progress progress(lines.size(), po);

  std::unique_ptr<AtomicFile> file;
  if (!args.output.empty()) file = std::make_unique<AtomicFile>(args.output);
  constexpr std::size_t kChunk = 8192;
  std::vector<Encoding> encodings;
  std::string out;
  for (std::size_t chunk = 0; chunk < lines.size(); chunk += kChunk) {
    const std::size_t end = std::min(lines.size(), chunk + kChunk);
    encodings.assign(end - chunk, Encoding{});
    auto work = [&](std::size_t first, std::size_t step) {
      for (std::size_t i = chunk + first; i < end; i += step) {
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
    };
    if (threads == 1) {
      work(0, 1);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(work, static_cast<std::size_t>(t), static_cast<std::size_t>(threads));
      for (auto& th : pool) th.join();
    }
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

}  // namespace

void register_tokenize_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* tokenize = app.add_subcommand("tokenize", "Tokenize text lines exactly as HuggingFace tokenizers would");
  auto args = std::make_shared<TokenizeArgs>();
  tokenize->add_option("--tokenizer", args->tokenizer, "vocab.txt, tokenizer.json, or a GPT-2/RoBERTa directory")->required();
  tokenize->add_option("--input", args->input, "Text file, one input per line")->required();
  tokenize->add_option("--output", args->output, "Output file (default: stdout)");
  tokenize->add_option("--format", args->format, "ids, tokens or jsonl (ids, tokens, offsets, word_ids)")->capture_default_str();
  tokenize->add_flag("--no-special-tokens", args->no_special_tokens, "Do not add [CLS]/[SEP] or <s>/</s>");
  tokenize->add_flag("--pair-tab", args->pair_tab, "Each line is a pair: first<TAB>second");
  tokenize->add_flag("--lossy", args->lossy, "Replace invalid UTF-8 with U+FFFD instead of failing");
  tokenize->add_option("--threads", args->threads, "Worker threads (default: --threads of frugal, else all cores)");
  set_example(tokenize,
              "  frugal tokenize --tokenizer ../shared/data/vocab/bert-base-uncased/vocab.txt --input lines.txt --format jsonl\n"
              "  frugal tokenize --tokenizer ../shared/data/vocab/gpt2 --input lines.txt --output ids.txt");
  table.add(tokenize, [args, &global] { return run_tokenize(*args, global); });
}

}  // namespace frugal::cli
