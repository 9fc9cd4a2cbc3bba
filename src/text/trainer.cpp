#include "text/trainer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <queue>
#include <unordered_map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/utf8.h"
#include "text/byte_level.h"
#include "text/pre_tokenizer.h"

namespace frugal {
namespace {

using Pair = std::pair<std::uint32_t, std::uint32_t>;

std::uint64_t key_of(Pair p) { return (static_cast<std::uint64_t>(p.first) << 32) | p.second; }
Pair pair_of(std::uint64_t k) { return {static_cast<std::uint32_t>(k >> 32), static_cast<std::uint32_t>(k)}; }

// Distinct words in order of first appearance, with counts.
class WordCounter {
 public:
  void add(std::string word) {
    auto [it, inserted] = index_.emplace(word, words_.size());
    if (inserted) {
      words_.emplace_back(std::move(word), 1);
    } else {
      ++words_[it->second].second;
    }
    ++occurrences_;
  }
  const std::vector<std::pair<std::string, std::uint64_t>>& words() const { return words_; }
  std::uint64_t occurrences() const { return occurrences_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::pair<std::string, std::uint64_t>> words_;
  std::uint64_t occurrences_ = 0;
};

void count_words(std::string_view text, const TrainerOptions& options, WordCounter& counter) {
  thread_local NormalizedText raw, normalized;
  thread_local std::vector<WordSpan> spans;
  load_normalized(text, 0, text.size(), raw);
  spans.clear();
  if (options.model == TrainedModel::WordPiece) {
    BertNormalizerOptions n;
    n.lowercase = options.lowercase;
    BertNormalizer(n).normalize(raw, normalized);
    pre_tokenize_bert(normalized.chars.data(), normalized.size(), spans);
    for (const auto& s : spans) {
      counter.add(encode_utf8(std::u32string_view(normalized.chars).substr(s.begin, s.end - s.begin)));
    }
    return;
  }
  pre_tokenize_gpt2(raw.chars.data(), raw.size(), spans);
  const auto& alphabet = ByteLevelAlphabet::get();
  for (const auto& s : spans) {
    counter.add(alphabet.encode(encode_utf8(std::u32string_view(raw.chars).substr(s.begin, s.end - s.begin))));
  }
}

struct Candidate {
  std::uint64_t count;
  Pair pair;
  std::vector<std::uint32_t> words;
  // Max-heap: higher count first; on ties the smaller pair (HF's Merge ordering).
  bool operator<(const Candidate& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

// HF's Word::merge: replaces every (c1, c2) and reports the pair count changes.
void merge_word(std::vector<std::uint32_t>& w, std::uint32_t c1, std::uint32_t c2, std::uint32_t merged,
                std::vector<std::pair<Pair, int>>& changes) {
  std::size_t i = 0;
  while (i < w.size()) {
    if (w[i] == c1 && i + 1 < w.size() && w[i + 1] == c2) {
      if (i > 0) {
        changes.push_back({{w[i - 1], c1}, -1});
        changes.push_back({{w[i - 1], merged}, 1});
      }
      w[i] = merged;
      w.erase(w.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      if (i + 1 < w.size()) {
        changes.push_back({{c2, w[i + 1]}, -1});
        changes.push_back({{merged, w[i + 1]}, 1});
      }
    }
    ++i;
  }
}

TrainerResult train(const WordCounter& counter, const TrainerOptions& options) {
  TrainerResult result;
  result.words = counter.words().size();
  result.word_occurrences = counter.occurrences();
  const bool wordpiece = options.model == TrainedModel::WordPiece;
  const std::string prefix = wordpiece ? "##" : "";
  std::vector<std::string>& id_to_word = result.vocab;
  std::unordered_map<std::string, std::uint32_t> word_to_id;
  auto intern = [&](const std::string& s) {
    auto [it, inserted] = word_to_id.emplace(s, static_cast<std::uint32_t>(id_to_word.size()));
    if (inserted) id_to_word.push_back(s);
    return it->second;
  };
  // 1. special tokens
  for (const auto& s : options.special_tokens) intern(s);
  // 2. alphabet, by code point
  std::vector<char32_t> alphabet;
  {
    std::unordered_map<char32_t, bool> seen;
    for (const auto& [word, count] : counter.words()) {
      for (char32_t c : decode_utf8(word)) seen.emplace(c, true);
    }
    if (!wordpiece && options.full_byte_alphabet) {
      for (int b = 0; b < 256; ++b) seen.emplace(ByteLevelAlphabet::get().char_of(static_cast<std::uint8_t>(b)), true);
    }
    for (const auto& [c, _] : seen) alphabet.push_back(c);
    std::sort(alphabet.begin(), alphabet.end());
    for (char32_t c : alphabet) intern(encode_utf8(std::u32string(1, c)));
  }
  // 3. words as symbol ids (non-initial symbols carry the prefix)
  std::vector<std::vector<std::uint32_t>> words;
  std::vector<std::uint64_t> counts;
  for (const auto& [word, count] : counter.words()) {
    std::vector<std::uint32_t> symbols;
    bool first = true;
    for (char32_t c : decode_utf8(word)) {
      std::string s = encode_utf8(std::u32string(1, c));
      if (!first) s = prefix + s;
      first = false;
      symbols.push_back(intern(s));
    }
    words.push_back(std::move(symbols));
    counts.push_back(count);
  }
  // 4. pair counts and where each pair occurs
  std::unordered_map<std::uint64_t, std::int64_t> pair_counts;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> where;
  for (std::uint32_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    for (std::size_t k = 0; k + 1 < w.size(); ++k) {
      const auto key = key_of({w[k], w[k + 1]});
      pair_counts[key] += static_cast<std::int64_t>(counts[i]);
      auto& list = where[key];
      if (list.empty() || list.back() != i) list.push_back(i);
    }
  }
  std::priority_queue<Candidate> queue;
  auto flush = [&] {
    for (auto& [key, positions] : where) {
      const auto count = pair_counts[key];
      if (count > 0) {
        std::sort(positions.begin(), positions.end());
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
        queue.push({static_cast<std::uint64_t>(count), pair_of(key), std::move(positions)});
      }
    }
    where.clear();
  };
  flush();

  ProgressOptions po;
  po.label = "train merges";
  po.unit = "tokens";
  po.enabled = options.show_progress;
  Progress progress(options.vocab_size, po);
  progress.advance(id_to_word.size());
  std::vector<std::pair<Pair, int>> changes;
  // 5. merges
  while (id_to_word.size() < options.vocab_size && !queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    const auto current = pair_counts[key_of(top.pair)];
    if (static_cast<std::int64_t>(top.count) != current) {
      top.count = static_cast<std::uint64_t>(std::max<std::int64_t>(current, 0));
      queue.push(std::move(top));
      continue;
    }
    if (top.count < 1 || top.count < options.min_frequency) break;
    std::string part_b = id_to_word[top.pair.second];
    if (!prefix.empty() && part_b.rfind(prefix, 0) == 0) part_b.erase(0, prefix.size());
    const std::size_t before = id_to_word.size();
    const std::uint32_t merged = intern(id_to_word[top.pair.first] + part_b);
    if (id_to_word.size() > before) progress.advance(1);
    result.merges.emplace_back(id_to_word[top.pair.first], id_to_word[top.pair.second]);
    for (const auto w : top.words) {
      changes.clear();
      merge_word(words[w], top.pair.first, top.pair.second, merged, changes);
      for (const auto& [pair, change] : changes) {
        const auto key = key_of(pair);
        pair_counts[key] += change * static_cast<std::int64_t>(counts[w]);
        if (change > 0) where[key].push_back(w);
      }
    }
    flush();
  }
  progress.finish();
  if (wordpiece) result.merges.clear();  // a WordPiece model keeps only the vocabulary
  return result;
}

std::vector<std::string> default_specials(const TrainerOptions& options) {
  if (!options.use_default_special_tokens) return options.special_tokens;
  if (options.model == TrainedModel::WordPiece) return {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  return {"<|endoftext|>"};
}

}  // namespace

TrainerResult train_vocabulary_from_texts(const std::vector<std::string>& texts, const TrainerOptions& options) {
  TrainerOptions o = options;
  o.special_tokens = default_specials(options);
  o.use_default_special_tokens = false;
  WordCounter counter;
  for (const auto& t : texts) count_words(t, o, counter);
  return train(counter, o);
}

TrainerResult train_vocabulary(const std::vector<std::string>& corpus_files, const TrainerOptions& options) {
  TrainerOptions o = options;
  o.special_tokens = default_specials(options);
  o.use_default_special_tokens = false;
  WordCounter counter;
  for (const auto& file : corpus_files) {
    const std::string text = read_file(file);
    std::size_t start = 0, line_no = 0;
    while (start < text.size()) {
      // Lines keep their newline, as HF's Tokenizer::train(files) reads them: for byte-level
      // BPE the trailing "\n" is part of the last word.
      std::size_t end = text.find('\n', start);
      end = end == std::string::npos ? text.size() : end + 1;
      std::string_view line(text.data() + start, end - start);
      ++line_no;
      start = end;
      if (const auto bad = find_invalid_utf8(line); bad != kValidUtf8) {
        throw InputError(InputLocation{file, line_no, bad + 1}, "invalid UTF-8");
      }
      count_words(line, o, counter);
    }
  }
  if (counter.words().empty()) throw InputError("the training corpus has no words");
  return train(counter, o);
}

Tokenizer make_trained_tokenizer(const TrainerResult& result, const TrainerOptions& options) {
  const auto specials = default_specials(options);
  std::vector<std::pair<std::string, std::int32_t>> pairs;
  for (std::size_t i = 0; i < result.vocab.size(); ++i) pairs.emplace_back(result.vocab[i], static_cast<std::int32_t>(i));
  AddedVocabulary added;
  for (const auto& s : specials) {
    const auto it = std::find(result.vocab.begin(), result.vocab.end(), s);
    if (it != result.vocab.end()) added.add({s, static_cast<std::int32_t>(it - result.vocab.begin()), true, false, false, false, false});
  }
  TokenizerConfig config;
  auto has = [&](const char* t) { return std::find(specials.begin(), specials.end(), t) != specials.end(); };
  if (options.model == TrainedModel::WordPiece) {
    BertNormalizerOptions n;
    n.lowercase = options.lowercase;
    config.bert_normalizer = n;
    config.pre_tokenizer = PreTokenizerKind::Bert;
    config.decoder = DecoderKind::WordPiece;
    if (has("[CLS]") && has("[SEP]")) {
      config.post_processor.enabled = true;
      config.post_processor.type = "BertProcessing";
      config.post_processor.single = {{false, 0, "[CLS]", 0}, {true, 0, "", 0}, {false, 0, "[SEP]", 0}};
      config.post_processor.pair = {{false, 0, "[CLS]", 0}, {true, 0, "", 0}, {false, 0, "[SEP]", 0}, {true, 1, "", 1}, {false, 0, "[SEP]", 1}};
    }
    WordPieceOptions w;
    if (!has("[UNK]")) throw InputError("a WordPiece vocabulary needs [UNK] among the special tokens");
    return Tokenizer(std::make_unique<WordPiece>(Vocab::from_pairs(std::move(pairs)), w), config, std::move(added));
  }
  config.pre_tokenizer = PreTokenizerKind::ByteLevel;
  config.decoder = DecoderKind::ByteLevel;
  config.post_processor.type = "ByteLevel";
  return Tokenizer(std::make_unique<Bpe>(Vocab::from_pairs(std::move(pairs)), result.merges, BpeOptions{}), config,
                   std::move(added));
}

void save_trained_tokenizer(const TrainerResult& result, const TrainerOptions& options, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(InputLocation{dir}, "cannot create directory: " + ec.message());
  const auto specials = default_specials(options);
  using ordered = nlohmann::ordered_json;
  ordered added = ordered::array();
  for (const auto& s : specials) {
    const auto it = std::find(result.vocab.begin(), result.vocab.end(), s);
    if (it == result.vocab.end()) continue;
    added.push_back({{"id", it - result.vocab.begin()}, {"content", s}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  ordered vocab = ordered::object();
  for (std::size_t i = 0; i < result.vocab.size(); ++i) vocab[result.vocab[i]] = i;
  ordered root = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added}};
  const auto dump = [](const ordered& j) { return j.dump(-1, ' ', false, ordered::error_handler_t::strict); };
  if (options.model == TrainedModel::WordPiece) {
    const auto id_of = [&](const std::string& t) {
      return std::find(result.vocab.begin(), result.vocab.end(), t) - result.vocab.begin();
    };
    root["normalizer"] = {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                          {"strip_accents", nullptr}, {"lowercase", options.lowercase}};
    root["pre_tokenizer"] = {{"type", "BertPreTokenizer"}};
    root["post_processor"] = {{"type", "BertProcessing"}, {"sep", {"[SEP]", id_of("[SEP]")}}, {"cls", {"[CLS]", id_of("[CLS]")}}};
    root["decoder"] = {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}};
    root["model"] = {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
                     {"max_input_chars_per_word", 100}, {"vocab", vocab}};
    std::string lines;
    for (const auto& t : result.vocab) lines += t + "\n";
    write_file_atomic(dir + "/vocab.txt", lines);
  } else {
    root["normalizer"] = nullptr;
    root["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    root["post_processor"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
    root["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
    ordered merges = ordered::array();
    std::string merges_txt = "#version: 0.2\n";
    for (const auto& [a, b] : result.merges) {
      merges.push_back({a, b});
      merges_txt += a + " " + b + "\n";
    }
    root["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                     {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false},
                     {"ignore_merges", false}, {"vocab", vocab}, {"merges", merges}};
    write_file_atomic(dir + "/vocab.json", dump(vocab));
    write_file_atomic(dir + "/merges.txt", merges_txt);
  }
  write_file_atomic(dir + "/tokenizer.json", dump(root));
}

}  // namespace frugal
