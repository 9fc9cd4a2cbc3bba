#pragma once
// Vocabulary training from a corpus, HF tokenizers' algorithm: count pre-tokenized words,
// start from their characters (and, for byte-level BPE, all 256 byte symbols), then merge the
// most frequent adjacent pair (ties: the pair of smallest ids) until the vocabulary is full
// or no pair reaches min_frequency. WordPiece training is the same with "##" on non-initial
// symbols (as HF's WordPieceTrainer). Deterministic: words are processed in order of first
// appearance, so results depend only on the corpus, never on thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace frugal {

enum class TrainedModel { WordPiece, ByteLevelBpe };

struct TrainerOptions {
  TrainedModel model = TrainedModel::WordPiece;
  std::size_t vocab_size = 8000;
  std::uint64_t min_frequency = 2;
  std::vector<std::string> special_tokens;  // used when use_default_special_tokens is false
  bool use_default_special_tokens = true;   // [PAD] [UNK] [CLS] [SEP] [MASK] / <|endoftext|>
  bool lowercase = true;                    // WordPiece: BertNormalizer lowercasing (and accent stripping)
  bool full_byte_alphabet = true;           // byte-level BPE: all 256 byte symbols in the vocabulary
  bool show_progress = true;
};

struct TrainerResult {
  std::vector<std::string> vocab;                            // by id
  std::vector<std::pair<std::string, std::string>> merges;   // BPE only, by rank
  std::size_t words = 0;                                     // distinct pre-tokenized words seen
  std::uint64_t word_occurrences = 0;
};

// Counts words in the corpus files (one text per line, UTF-8; invalid lines are an InputError
// naming file and line) and trains.
TrainerResult train_vocabulary(const std::vector<std::string>& corpus_files, const TrainerOptions& options);
// The same from texts in memory.
TrainerResult train_vocabulary_from_texts(const std::vector<std::string>& texts, const TrainerOptions& options);

// The tokenizer that uses a trained vocabulary (BERT-style or GPT-2-style pipeline).
Tokenizer make_trained_tokenizer(const TrainerResult& result, const TrainerOptions& options);

// Writes DIR/tokenizer.json plus vocab.txt (WordPiece) or vocab.json + merges.txt (BPE),
// each atomically; HF tokenizers loads them.
void save_trained_tokenizer(const TrainerResult& result, const TrainerOptions& options, const std::string& dir);

}  // namespace frugal
