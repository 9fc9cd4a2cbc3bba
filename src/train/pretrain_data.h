#pragma once
// Pretraining examples streamed from a text corpus: lines are tokenized and packed into
// sequences of at most max_length tokens ([CLS] ... [SEP] for masked LM, packed blocks of a
// continuous token stream for causal LM), grouped in windows of a bounded number of examples;
// inside a window examples are sorted by length into batches (little padding) and the batch
// order is shuffled from (seed, window, epoch). Memory is bounded by the window, whatever the
// corpus size. The loader state (epoch, window start in the files, batch in the window) goes
// into checkpoints: restoring it continues with exactly the batch that would have come next.
#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"
#include "train/corpus_reader.h"

namespace frugal {

enum class PretrainObjective { kMaskedLM, kCausalLM };

struct PretrainExample {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> word_ids;  // masked LM: word of each token, -1 for [CLS]/[SEP]
  std::uint64_t key = 0;               // index of the example in the corpus (same every epoch)
};

struct PretrainDataOptions {
  PretrainObjective objective = PretrainObjective::kMaskedLM;
  std::size_t max_length = 128;
  std::size_t batch_size = 32;
  std::size_t window_examples = 16384;  // bucketing / shuffling window
  std::uint64_t seed = 0;
  bool shuffle = true;  // false: batches in corpus order (evaluation)
};

struct LoaderState {
  std::uint64_t epoch = 0;
  CorpusPosition window_start;
  std::uint64_t window_key = 0;       // key of the window's first example
  std::uint64_t batch_in_window = 0;  // batches of this window already handed out
};

struct HostBatch {
  std::vector<PretrainExample> examples;
  std::uint64_t epoch = 0;
  LoaderState after;  // restoring this continues with the following batch
};

class PretrainLoader {
 public:
  PretrainLoader(std::vector<std::string> files, const Tokenizer& tokenizer, PretrainDataOptions options);
  // The next batch of the current epoch; false once the epoch is exhausted (the state then
  // points at the start of the next epoch).
  bool next(HostBatch& out);
  LoaderState state() const { return state_; }
  void restore(const LoaderState& s);
  std::uint64_t replaced_lines() const { return reader_.replaced_lines(); }
  std::int32_t cls_id() const { return cls_; }
  std::int32_t sep_id() const { return sep_; }

 private:
  bool fill_window();
  void add_line(const std::string& line);
  void flush_pending();
  void emit(std::vector<std::int32_t> ids, std::vector<std::int32_t> word_ids);

  CorpusReader reader_;
  const Tokenizer& tokenizer_;
  PretrainDataOptions options_;
  std::int32_t cls_ = -1, sep_ = -1, eos_ = -1;
  LoaderState state_;
  std::vector<PretrainExample> window_;
  std::vector<std::vector<std::size_t>> batches_;  // indices into window_, in serving order
  bool window_loaded_ = false;
  std::uint64_t next_key_ = 0;
  std::vector<std::int32_t> pending_ids_, pending_words_;  // example being packed
  std::int32_t pending_word_count_ = 0;
};

}  // namespace frugal
