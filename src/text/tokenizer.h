#pragma once
// A tokenizer with the behaviour of HuggingFace tokenizers: added tokens -> normalizer ->
// pre-tokenizer -> subword model (WordPiece or BPE) -> post-processor (special tokens, type
// ids), with offsets (code points of the original text) and word ids for every token, and
// decoding. Load one with load_tokenizer() (tokenizer_loader.h).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/added_vocabulary.h"
#include "text/bpe.h"
#include "text/normalizer.h"
#include "text/wordpiece.h"

namespace frugal {

struct Encoding {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> type_ids;
  std::vector<std::string> tokens;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> offsets;  // code points of the token's own sequence
  std::vector<std::int32_t> word_ids;       // -1 for special tokens
  std::vector<std::int32_t> sequence_ids;   // 0 or 1; -1 for special tokens
  std::vector<std::uint8_t> special_tokens_mask;
  std::vector<std::uint8_t> attention_mask;
  std::vector<Encoding> overflowing;

  std::size_t size() const { return ids.size(); }
};

enum class PreTokenizerKind { None, Bert, ByteLevel };
enum class DecoderKind { None, WordPiece, ByteLevel };

// One element of a post-processing template: a special token or a sequence (0 = A, 1 = B).
struct TemplateItem {
  bool is_sequence = false;
  int sequence = 0;
  std::string special;  // token text when !is_sequence
  std::int32_t type_id = 0;
};

struct PostProcessorConfig {
  bool enabled = false;              // no post-processor: no special tokens are added
  std::vector<TemplateItem> single;  // e.g. [CLS] $A [SEP]
  std::vector<TemplateItem> pair;    // e.g. [CLS] $A [SEP] $B [SEP]
  std::string type = "none";         // the tokenizer.json name it came from
  bool trim_offsets = false;         // ByteLevel/Roberta: exclude the spaces carried by tokens
  bool add_prefix_space = false;     // (affects trim_offsets of the first token)
};

struct TokenizerConfig {
  std::optional<BertNormalizerOptions> bert_normalizer;
  PreTokenizerKind pre_tokenizer = PreTokenizerKind::None;
  bool byte_level_add_prefix_space = false;
  PostProcessorConfig post_processor;
  DecoderKind decoder = DecoderKind::None;
  std::string decoder_prefix = "##";
  bool decoder_cleanup = true;
};

enum class TruncationStrategy { LongestFirst, OnlyFirst, OnlySecond };
enum class Side { Right, Left };

// HF's TruncationParams: max_length counts the special tokens too; the windows cut off are
// kept in Encoding::overflowing, each overlapping the previous by `stride` tokens.
struct TruncationOptions {
  std::size_t max_length = 512;
  std::size_t stride = 0;
  TruncationStrategy strategy = TruncationStrategy::LongestFirst;
  Side direction = Side::Right;
};

// HF's PaddingParams: length 0 pads a batch to its longest encoding.
struct PaddingOptions {
  std::size_t length = 0;
  std::size_t pad_to_multiple_of = 0;
  Side direction = Side::Right;
  std::int32_t pad_id = 0;
  std::int32_t pad_type_id = 0;
  std::string pad_token = "[PAD]";
};

// An encoding made under truncation, as its windows: the encoding itself, then each
// overflowing window (their own overflow lists emptied).
std::vector<Encoding> split_windows(Encoding encoding);

// The offsets of the tokens of one input sequence (0: first, 1: second of a pair) of an
// encoding: begin/end per token, -1 for specials and the other sequence's tokens.
void sequence_offsets(const Encoding& encoding, int sequence, std::vector<std::int32_t>& begin, std::vector<std::int32_t>& end);

class Tokenizer {
 public:
  Tokenizer(std::unique_ptr<WordPiece> model, TokenizerConfig config, AddedVocabulary added);
  Tokenizer(std::unique_ptr<Bpe> model, TokenizerConfig config, AddedVocabulary added);
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;

  // text must be valid UTF-8 (see find_invalid_utf8). Offsets count code points of text.
  Encoding encode(std::string_view text, bool add_special_tokens = true) const;
  // A sentence pair (question, context): type ids and special tokens from the post-processor;
  // offsets of the second sequence count code points of the second text.
  Encoding encode_pair(std::string_view first, std::string_view second, bool add_special_tokens = true) const;
  // Several texts on `threads` threads; the result does not depend on the thread count.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, bool add_special_tokens = true,
                                     int threads = 1) const;

  // HF tokenizers' decoder, then (clean_up_tokenization_spaces, transformers' default) the
  // whole-string clean-up of transformers: " ." -> ".", " n't" -> "n't", ...
  std::string decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens = true,
                     bool clean_up_tokenization_spaces = true) const;

  std::int32_t token_to_id(std::string_view token) const;  // -1 when unknown
  std::string id_to_token(std::int32_t id) const;          // "" when unknown

  // Throws InputError when a pair cannot be truncated as asked (HF's errors).
  void set_truncation(std::optional<TruncationOptions> options) { truncation_ = std::move(options); }
  void set_padding(std::optional<PaddingOptions> options) { padding_ = std::move(options); }
  const std::optional<TruncationOptions>& truncation() const { return truncation_; }
  const std::optional<PaddingOptions>& padding() const { return padding_; }
  // Pads encodings (and their overflowing windows) as set_padding asked; encode/encode_pair
  // and encode_batch call it.
  void pad(std::vector<Encoding>& encodings) const;
  std::size_t vocab_size() const;                          // with added tokens
  const TokenizerConfig& config() const { return config_; }
  const AddedVocabulary& added_vocabulary() const { return added_; }
  const WordPiece* wordpiece() const { return wordpiece_.get(); }
  const Bpe* bpe() const { return bpe_.get(); }
  // Number of special tokens the post-processor adds (for truncation budgets).
  std::size_t num_special_tokens(bool pair) const;

 private:
  struct RawToken {
    std::int32_t id;
    std::uint32_t begin, end;  // bytes of the original text
    std::int32_t word;
    bool added = false;        // an added token: its token string is the text it matched,
    std::uint32_t surface_begin = 0, surface_end = 0;  // which trimming offsets does not change
  };
  void encode_sequence(std::string_view text, std::vector<RawToken>& out) const;
  void tokenize_words(std::string_view text, const TextSegment& segment, std::int32_t& word,
                      std::vector<RawToken>& out) const;
  Encoding finish(std::string_view text, const std::vector<RawToken>& raw, int sequence) const;
  Encoding post_process(Encoding first, std::optional<Encoding> second, bool add_special_tokens) const;
  // Everything encode() does but padding (a batch is padded together).
  Encoding encode_unpadded(std::string_view text, bool add_special_tokens) const;
  Encoding apply_template(Encoding first, std::optional<Encoding> second, bool add_special_tokens) const;
  void truncate(Encoding& first, std::optional<Encoding>& second, bool add_special_tokens) const;
  std::string token_string(std::string_view text, const RawToken& t) const;
  std::string decode_tokens(const std::vector<std::int32_t>& ids, bool skip_special_tokens) const;
  // ByteLevel/Roberta trim_offsets, on code point offsets as HF applies it after conversion.
  void trim_offsets(Encoding& e) const;

  std::unique_ptr<WordPiece> wordpiece_;
  std::unique_ptr<Bpe> bpe_;
  TokenizerConfig config_;
  AddedVocabulary added_;
  std::optional<BertNormalizer> normalizer_;
  std::optional<TruncationOptions> truncation_;
  std::optional<PaddingOptions> padding_;
};

}  // namespace frugal
