#pragma once
// Whole-word masking over batches of token ids, in a flat layout built for speed: all
// examples' ids in one array with offsets. Words come from the tokenizer's word ids (so
// WordPiece and byte-level BPE work alike); special tokens are never words.
//
// Two modes:
//   exact-N words  (the "Using Julia to Do Whole Word Masking" algorithm): mark word starts,
//                  sample N words per example without replacement, mask every piece;
//   MLM            (Google BERT / HF): budget min(max_predictions, max(1, round(len * p))),
//                  words in random order, a word skipped if it would overflow the budget;
//                  80% mask / 10% random non-special id / 10% unchanged, per piece or per word.
// Every random choice of example i in round r comes from Rng::for_item(seed, i, r): results do
// not depend on thread count, batch size or processing order.
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "text/tokenizer.h"

namespace frugal {

inline constexpr std::int32_t kIgnoreLabel = -100;

struct TokenBatch {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> word_ids;   // per token; -1 for special tokens
  std::vector<std::uint64_t> offsets;   // example i is [offsets[i], offsets[i + 1]); offsets[0] = 0

  std::size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  void clear() {
    ids.clear();
    word_ids.clear();
    offsets.assign(1, 0);
  }
  // Appends one encoding (pair word ids are made distinct per sequence).
  void append(const Encoding& e);
};

// The "mark" stage: where every word starts. Example i's word starts are stored at
// starts[batch.offsets[i] ... + counts[i]) (an example cannot have more words than tokens),
// so one pass over the word ids fills everything; a word ends where its word id changes.
// The functions below take the batch the index was built from.
struct WordIndex {
  std::vector<std::uint32_t> starts;  // token positions of word starts, laid out as above
  std::vector<std::uint32_t> counts;  // words per example

  std::size_t words(std::size_t example) const { return counts[example]; }
  // One past the last piece of word w (a position in starts) of example i.
  std::uint32_t word_end(const TokenBatch& batch, std::size_t example, std::uint64_t w) const;
};

void mark_words(const TokenBatch& batch, WordIndex& index, int threads = 1);

// The "sample" stage: n distinct word numbers (global, into WordIndex) per example, or none
// for an example with <= n words unless mask_short (then all its words but... none are left:
// with mask_short an example with fewer than n words gets all of them masked). chosen_offsets
// delimits each example's choice. first_example is the index of batch example 0 in the corpus.
struct WordChoice {
  std::vector<std::uint32_t> words;
  std::vector<std::uint64_t> offsets;
};
void sample_words(const TokenBatch& batch, const WordIndex& index, std::size_t n, std::uint64_t seed, std::uint64_t round, WordChoice& choice,
                  bool mask_short = false, std::uint64_t first_example = 0, int threads = 1);

// The "mask" stage, in place, or into a copy with labels (original id at masked positions,
// kIgnoreLabel elsewhere).
void mask_in_place(const TokenBatch& batch, std::vector<std::int32_t>& ids, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
                   int threads = 1);
void mask_copy(const TokenBatch& batch, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
               std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels, int threads = 1);

struct MlmOptions {
  double probability = 0.15;
  std::size_t max_predictions = 512;
  bool per_word = false;           // one 80/10/10 draw per word instead of per piece
  std::int32_t mask_id = 103;
  std::vector<std::int32_t> replacement_ids;  // the non-special ids random replacement draws from
};

// MLM masking of every example of the batch: ids masked in place, labels written. Example i
// draws from Rng(seed, key, round) with key = example_keys[i] when given (a bucketed batch
// holds examples from anywhere in the corpus), else first_example + i.
void mask_mlm(const TokenBatch& batch, const WordIndex& index, const MlmOptions& options, std::uint64_t seed,
              std::uint64_t round, std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels,
              std::uint64_t first_example = 0, int threads = 1, const std::uint64_t* example_keys = nullptr);

// The streaming form a trainer calls once per batch: dynamic masking, fresh every epoch.
// Example k of the corpus in epoch e is masked the same way whatever batch it falls in and
// whatever the thread count: the result depends only on (seed, k, e).
class DynamicMasker {
 public:
  DynamicMasker(MlmOptions options, std::uint64_t seed) : options_(std::move(options)), seed_(seed) {}
  // batch holds corpus examples first_example, first_example + 1, ...
  void mask(const TokenBatch& batch, std::uint64_t first_example, std::uint64_t epoch, std::vector<std::int32_t>& ids,
            std::vector<std::int32_t>& labels, int threads = 1) {
    mark_words(batch, index_, threads);
    mask_mlm(batch, index_, options_, seed_, epoch, ids, labels, first_example, threads);
  }
  // Examples with explicit corpus keys (batches bucketed by length).
  void mask(const TokenBatch& batch, const std::vector<std::uint64_t>& keys, std::uint64_t epoch,
            std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels, int threads = 1) {
    mark_words(batch, index_, threads);
    mask_mlm(batch, index_, options_, seed_, epoch, ids, labels, 0, threads, keys.data());
  }

 private:
  MlmOptions options_;
  std::uint64_t seed_;
  WordIndex index_;  // reused from batch to batch
};

// Python's round(): halves to even (Google's budget uses it).
std::size_t mlm_budget(std::size_t length, double probability, std::size_t max_predictions);

}  // namespace frugal
