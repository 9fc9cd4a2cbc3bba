#include "text/tokenizer.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "core/error.h"
#include "core/parallel.h"
#include "core/utf8.h"
#include "text/byte_level.h"
#include "text/pre_tokenizer.h"
#include "text/unicode_props.h"

namespace frugal {

std::vector<Encoding> split_windows(Encoding encoding) {
  std::vector<Encoding> windows;
  auto overflow = std::move(encoding.overflowing);
  encoding.overflowing.clear();
  windows.push_back(std::move(encoding));
  for (auto& w : overflow) {
    w.overflowing.clear();
    windows.push_back(std::move(w));
  }
  return windows;
}

void sequence_offsets(const Encoding& encoding, int sequence, std::vector<std::int32_t>& begin, std::vector<std::int32_t>& end) {
  begin.assign(encoding.ids.size(), -1);
  end.assign(encoding.ids.size(), -1);
  for (std::size_t t = 0; t < encoding.ids.size(); ++t) {
    if (encoding.sequence_ids[t] == sequence) {
      begin[t] = static_cast<std::int32_t>(encoding.offsets[t].first);
      end[t] = static_cast<std::int32_t>(encoding.offsets[t].second);
    }
  }
}

Tokenizer::Tokenizer(std::unique_ptr<WordPiece> model, TokenizerConfig config, AddedVocabulary added)
    : wordpiece_(std::move(model)), config_(std::move(config)), added_(std::move(added)) {
  if (config_.bert_normalizer) normalizer_.emplace(*config_.bert_normalizer);
}

Tokenizer::Tokenizer(std::unique_ptr<Bpe> model, TokenizerConfig config, AddedVocabulary added)
    : bpe_(std::move(model)), config_(std::move(config)), added_(std::move(added)) {
  if (config_.bert_normalizer) normalizer_.emplace(*config_.bert_normalizer);
}

Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;

std::int32_t Tokenizer::token_to_id(std::string_view token) const {
  if (const auto* t = added_.find(token)) return t->id;
  return wordpiece_ ? wordpiece_->vocab().find(token) : bpe_->vocab().find(token);
}

std::string Tokenizer::id_to_token(std::int32_t id) const {
  if (const auto* t = added_.find(id)) return t->content;
  return wordpiece_ ? wordpiece_->vocab().token(id) : bpe_->vocab().token(id);
}

std::size_t Tokenizer::vocab_size() const {
  const Vocab& v = wordpiece_ ? wordpiece_->vocab() : bpe_->vocab();
  std::size_t n = v.size();
  for (const auto& t : added_.tokens()) n += v.token(t.id).empty() ? 1 : 0;
  return n;
}

std::size_t Tokenizer::num_special_tokens(bool pair) const {
  if (!config_.post_processor.enabled) return 0;
  std::size_t n = 0;
  for (const auto& item : pair ? config_.post_processor.pair : config_.post_processor.single) n += !item.is_sequence;
  return n;
}

void Tokenizer::tokenize_words(std::string_view text, const TextSegment& segment, std::int32_t& word,
                               std::vector<RawToken>& out) const {
  thread_local NormalizedText raw, normalized;
  thread_local std::vector<WordSpan> spans;
  thread_local std::vector<SubwordPiece> pieces;
  thread_local std::string word_bytes, mapped;
  thread_local std::vector<std::uint32_t> byte_begin, byte_end;

  load_normalized(text, segment.begin, segment.end, raw);
  const NormalizedText* n = &raw;
  if (normalizer_) {
    normalizer_->normalize(raw, normalized);
    n = &normalized;
  }
  if (config_.pre_tokenizer == PreTokenizerKind::ByteLevel && config_.byte_level_add_prefix_space &&
      (n->chars.empty() || n->chars.front() != ' ') && n->size() > 0) {
    // HF prepends a space aligned to nothing at the start of the segment.
    NormalizedText& target = (n == &raw) ? normalized : raw;
    target.clear();
    target.push(' ', segment.begin, segment.begin);
    for (std::size_t i = 0; i < n->size(); ++i) target.push(n->chars[i], n->begin[i], n->end[i]);
    n = &target;
  }
  spans.clear();
  switch (config_.pre_tokenizer) {
    case PreTokenizerKind::Bert: pre_tokenize_bert(n->chars.data(), n->size(), spans); break;
    case PreTokenizerKind::ByteLevel: pre_tokenize_gpt2(n->chars.data(), n->size(), spans); break;
    case PreTokenizerKind::None:
      if (n->size() > 0) spans.push_back({0, static_cast<std::uint32_t>(n->size())});
      break;
  }
  const auto& alphabet = ByteLevelAlphabet::get();
  for (const auto& span : spans) {
    pieces.clear();
    const std::size_t length = span.end - span.begin;
    if (wordpiece_) {
      wordpiece_->tokenize(n->chars.data() + span.begin, length, pieces);
      for (const auto& p : pieces) {
        out.push_back({p.id, n->begin[span.begin + p.begin], n->end[span.begin + p.end - 1], word});
      }
    } else if (config_.pre_tokenizer == PreTokenizerKind::ByteLevel) {
      // Each byte of the word becomes one alphabet character aligned to its source character.
      word_bytes.clear();
      mapped.clear();
      byte_begin.clear();
      byte_end.clear();
      for (std::size_t i = span.begin; i < span.end; ++i) {
        const std::size_t before = word_bytes.size();
        append_utf8(word_bytes, n->chars[i]);
        for (std::size_t k = before; k < word_bytes.size(); ++k) {
          mapped += alphabet.utf8_of(static_cast<std::uint8_t>(word_bytes[k]));
          byte_begin.push_back(n->begin[i]);
          byte_end.push_back(n->end[i]);
        }
      }
      bpe_->tokenize(mapped, pieces);
      for (const auto& p : pieces) out.push_back({p.id, byte_begin[p.begin], byte_end[p.end - 1], word});
    } else {
      word_bytes.clear();
      for (std::size_t i = span.begin; i < span.end; ++i) append_utf8(word_bytes, n->chars[i]);
      bpe_->tokenize(word_bytes, pieces);
      for (const auto& p : pieces) {
        out.push_back({p.id, n->begin[span.begin + p.begin], n->end[span.begin + p.end - 1], word});
      }
    }
    ++word;
  }
}

void Tokenizer::encode_sequence(std::string_view text, std::vector<RawToken>& out) const {
  thread_local std::vector<TextSegment> segments;
  segments.clear();
  if (added_.empty()) {
    segments.push_back({0, static_cast<std::uint32_t>(text.size()), -1});
  } else {
    added_.split(text, segments);
  }
  std::int32_t word = 0;
  for (const auto& segment : segments) {
    if (segment.token_id >= 0) {
      out.push_back({segment.token_id, segment.begin, segment.end, word++, true, segment.begin, segment.end});
    } else {
      tokenize_words(text, segment, word, out);
    }
  }
}

static bool is_space_token_char(char32_t c) { return c == 0x120 || unicode::is_white_space(c); }

std::string Tokenizer::token_string(std::string_view text, const RawToken& t) const {
  // HF reports an added token as the text it matched (with any whitespace lstrip/rstrip took).
  if (t.added) return std::string(text.substr(t.surface_begin, t.surface_end - t.surface_begin));
  return id_to_token(t.id);
}

void Tokenizer::trim_offsets(Encoding& e) const {
  for (std::size_t i = 0; i < e.size(); ++i) {
    const std::u32string token = decode_utf8(e.tokens[i]);
    std::size_t leading = 0, trailing = 0;
    while (leading < token.size() && is_space_token_char(token[leading])) ++leading;
    while (trailing < token.size() && is_space_token_char(token[token.size() - 1 - trailing])) ++trailing;
    auto& [begin, end] = e.offsets[i];
    if (leading > 0) {
      const bool is_first = i == 0 || begin == 0;
      if (is_first && config_.post_processor.add_prefix_space && leading == 1) leading = 0;
      begin = std::min<std::uint32_t>(begin + static_cast<std::uint32_t>(leading), end);
    }
    if (trailing > 0 && end >= trailing) end = std::max<std::uint32_t>(end - static_cast<std::uint32_t>(trailing), begin);
  }
}

Encoding Tokenizer::finish(std::string_view text, const std::vector<RawToken>& raw, int sequence) const {
  const CodePointIndex index(text);
  Encoding e;
  const std::size_t n = raw.size();
  e.ids.reserve(n);
  for (const auto& t : raw) {
    e.ids.push_back(t.id);
    e.tokens.push_back(token_string(text, t));
    std::uint32_t begin = static_cast<std::uint32_t>(index.code_point_at(t.begin));
    std::uint32_t end = t.end > t.begin ? static_cast<std::uint32_t>(index.code_point_at(t.end - 1) + 1) : begin;
    e.offsets.emplace_back(begin, end);
    e.word_ids.push_back(t.word);
    e.sequence_ids.push_back(sequence);
    e.type_ids.push_back(sequence);
    e.special_tokens_mask.push_back(0);
    e.attention_mask.push_back(1);
  }
  return e;
}


namespace {

// Calls f(to_field, from_field) for every per-token field of the two encodings.
template <class F>
void zip_token_fields(Encoding& to, const Encoding& from, F&& f) {
  f(to.ids, from.ids);
  f(to.type_ids, from.type_ids);
  f(to.tokens, from.tokens);
  f(to.offsets, from.offsets);
  f(to.word_ids, from.word_ids);
  f(to.sequence_ids, from.sequence_ids);
  f(to.special_tokens_mask, from.special_tokens_mask);
  f(to.attention_mask, from.attention_mask);
}

Encoding slice(const Encoding& e, std::size_t start, std::size_t stop) {
  Encoding out;
  zip_token_fields(out, e, [&](auto& to, const auto& from) {
    to.assign(from.begin() + static_cast<std::ptrdiff_t>(start), from.begin() + static_cast<std::ptrdiff_t>(stop));
  });
  return out;
}

// HF's Encoding::truncate: keep max_len tokens, the rest as overlapping windows.
void truncate_encoding(Encoding& e, std::size_t max_len, std::size_t stride, Side direction) {
  const std::size_t n = e.size();
  if (max_len >= n) return;
  if (max_len == 0) {
    Encoding whole = std::move(e);
    e = Encoding{};
    e.overflowing.push_back(std::move(whole));
    return;
  }
  if (stride >= max_len) {
    throw InputError("truncation stride (" + std::to_string(stride) + ") must be less than the room left for the sequence (" +
                     std::to_string(max_len) + " tokens)");
  }
  const std::size_t step = max_len - stride;
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  if (direction == Side::Right) {
    for (std::size_t start = 0; start < n; start += step) {
      const std::size_t stop = std::min(start + max_len, n);
      parts.emplace_back(start, stop);
      if (stop == n) break;
    }
  } else {
    for (std::size_t k = n; k-- > 0;) {
      if ((n - 1 - k) % step != 0) continue;
      const std::size_t stop = k + 1;
      const std::size_t start = stop < max_len ? 0 : stop - max_len;
      parts.emplace_back(start, stop);
      if (start == 0) break;
    }
  }
  Encoding head = slice(e, parts[0].first, parts[0].second);
  for (std::size_t i = 1; i < parts.size(); ++i) head.overflowing.push_back(slice(e, parts[i].first, parts[i].second));
  e = std::move(head);
}

// HF's Encoding::merge_with: the pair, plus every combination of overflowing windows.
Encoding merge_encodings(const Encoding& a, const Encoding& b);

void append_plain(Encoding& to, const Encoding& from) {
  zip_token_fields(to, from, [](auto& x, const auto& y) { x.insert(x.end(), y.begin(), y.end()); });
}

Encoding merge_encodings(const Encoding& a, const Encoding& b) {
  std::vector<Encoding> overflowing;
  for (const auto& ao : a.overflowing) {
    overflowing.push_back(merge_encodings(ao, b));
    for (const auto& bo : b.overflowing) overflowing.push_back(merge_encodings(ao, bo));
  }
  for (const auto& bo : b.overflowing) overflowing.push_back(merge_encodings(a, bo));
  Encoding out = a;
  out.overflowing.clear();
  append_plain(out, b);
  out.overflowing = std::move(overflowing);
  return out;
}

}  // namespace

void Tokenizer::truncate(Encoding& first, std::optional<Encoding>& second, bool add_special_tokens) const {
  if (!truncation_) return;
  TruncationOptions t = *truncation_;
  const std::size_t added = add_special_tokens ? num_special_tokens(second.has_value()) : 0;
  t.max_length = t.max_length > added ? t.max_length - added : 0;
  if (t.max_length == 0) {
    truncate_encoding(first, 0, t.stride, t.direction);
    if (second) truncate_encoding(*second, 0, t.stride, t.direction);
    return;
  }
  const std::size_t total = first.size() + (second ? second->size() : 0);
  if (total <= t.max_length) return;
  const std::size_t to_remove = total - t.max_length;
  if (t.strategy == TruncationStrategy::LongestFirst) {
    if (!second) {
      truncate_encoding(first, total - to_remove, t.stride, t.direction);
      return;
    }
    std::size_t n1 = first.size(), n2 = second->size();
    const bool swap = n1 > n2;
    if (swap) std::swap(n1, n2);
    n2 = n1 > t.max_length ? n1 : std::max(n1, t.max_length - n1);
    if (n1 + n2 > t.max_length) {
      n1 = t.max_length / 2;
      n2 = n1 + t.max_length % 2;
    }
    if (swap) std::swap(n1, n2);
    truncate_encoding(first, n1, t.stride, t.direction);
    truncate_encoding(*second, n2, t.stride, t.direction);
    return;
  }
  Encoding* target = &first;
  if (t.strategy == TruncationStrategy::OnlySecond) {
    if (!second) throw InputError("truncation only_second needs a pair of sequences");
    target = &*second;
  }
  if (target->size() <= to_remove) {
    throw InputError("truncation cannot fit the pair in " + std::to_string(truncation_->max_length) +
                     " tokens by shortening only one sequence");
  }
  truncate_encoding(*target, target->size() - to_remove, t.stride, t.direction);
}

Encoding Tokenizer::post_process(Encoding first, std::optional<Encoding> second, bool add_special_tokens) const {
  truncate(first, second, add_special_tokens);
  return apply_template(std::move(first), std::move(second), add_special_tokens);
}

Encoding Tokenizer::apply_template(Encoding first, std::optional<Encoding> second, bool add_special_tokens) const {
  const auto& pp = config_.post_processor;
  if (!pp.enabled || pp.single.empty()) {
    return second ? merge_encodings(first, *second) : std::move(first);
  }
  // As HF's TemplateProcessing: one encoding per template piece (a sequence takes the
  // template's type id, its overflowing windows keep theirs), merged left to right so that
  // every overflowing window gets the special tokens too.
  std::optional<Encoding> merged;
  auto fold = [&](Encoding piece) {
    merged = merged ? merge_encodings(*merged, piece) : std::move(piece);
  };
  for (const auto& item : second ? pp.pair : pp.single) {
    if (item.is_sequence) {
      Encoding piece = item.sequence == 0 ? first : *second;
      std::function<void(Encoding&)> set_type = [&](Encoding& e) {
        std::fill(e.type_ids.begin(), e.type_ids.end(), item.type_id);
        for (auto& o : e.overflowing) set_type(o);
      };
      set_type(piece);
      fold(std::move(piece));
      continue;
    }
    if (!add_special_tokens) continue;
    const std::int32_t id = token_to_id(item.special);
    if (id < 0) throw std::runtime_error("post-processor special token '" + item.special + "' has no id");
    Encoding piece;
    piece.ids = {id};
    piece.tokens = {item.special};
    piece.offsets = {{0, 0}};
    piece.word_ids = {-1};
    piece.sequence_ids = {-1};
    piece.type_ids = {item.type_id};
    piece.special_tokens_mask = {1};
    piece.attention_mask = {1};
    fold(std::move(piece));
  }
  return merged ? std::move(*merged) : Encoding{};
}

void Tokenizer::pad(std::vector<Encoding>& encodings) const {
  if (!padding_ || encodings.empty()) return;
  std::size_t target = padding_->length;
  if (target == 0) {
    for (const auto& e : encodings) target = std::max(target, e.size());
  }
  if (padding_->pad_to_multiple_of > 0 && target % padding_->pad_to_multiple_of != 0) {
    target += padding_->pad_to_multiple_of - target % padding_->pad_to_multiple_of;
  }
  std::function<void(Encoding&)> pad_one = [&](Encoding& e) {
    for (auto& o : e.overflowing) pad_one(o);
    if (e.size() >= target) return;
    const std::size_t n = target - e.size();
    const bool left = padding_->direction == Side::Left;
    auto extend = [&](auto& v, const auto& value) {
      using V = std::decay_t<decltype(v)>;
      V pad_values(n, value);
      if (left) {
        v.insert(v.begin(), pad_values.begin(), pad_values.end());
      } else {
        v.insert(v.end(), pad_values.begin(), pad_values.end());
      }
    };
    extend(e.ids, padding_->pad_id);
    extend(e.type_ids, padding_->pad_type_id);
    extend(e.tokens, padding_->pad_token);
    extend(e.offsets, std::pair<std::uint32_t, std::uint32_t>(0, 0));
    extend(e.word_ids, -1);
    extend(e.sequence_ids, -1);
    extend(e.special_tokens_mask, static_cast<std::uint8_t>(1));
    extend(e.attention_mask, static_cast<std::uint8_t>(0));
  };
  for (auto& e : encodings) pad_one(e);
}

Encoding Tokenizer::encode_unpadded(std::string_view text, bool add_special_tokens) const {
  std::vector<RawToken> raw;
  encode_sequence(text, raw);
  Encoding e = finish(text, raw, 0);
  if (config_.post_processor.trim_offsets) trim_offsets(e);
  return post_process(std::move(e), std::nullopt, add_special_tokens);
}

Encoding Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  std::vector<Encoding> one;
  one.push_back(encode_unpadded(text, add_special_tokens));
  pad(one);
  return std::move(one.front());
}

Encoding Tokenizer::encode_pair(std::string_view first, std::string_view second, bool add_special_tokens) const {
  std::vector<RawToken> raw_first, raw_second;
  encode_sequence(first, raw_first);
  encode_sequence(second, raw_second);
  Encoding a = finish(first, raw_first, 0);
  Encoding b = finish(second, raw_second, 1);
  if (config_.post_processor.trim_offsets) {
    trim_offsets(a);
    trim_offsets(b);
  }
  std::vector<Encoding> one;
  one.push_back(post_process(std::move(a), std::move(b), add_special_tokens));
  pad(one);
  return std::move(one.front());
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts, bool add_special_tokens,
                                              int threads) const {
  std::vector<Encoding> out(texts.size());
  parallel_slices(texts.size(), threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) out[i] = encode_unpadded(texts[i], add_special_tokens);
  });
  pad(out);
  return out;
}

static std::string replace_all(std::string s, const std::pair<const char*, const char*>* rules, std::size_t n) {
  for (std::size_t r = 0; r < n; ++r) {
    const auto& [from, to] = rules[r];
    const std::string f(from), t(to);
    std::size_t pos = 0;
    while ((pos = s.find(f, pos)) != std::string::npos) {
      s.replace(pos, f.size(), t);
      pos += t.size();
    }
  }
  return s;
}

// HF tokenizers' WordPiece decoder clean-up, applied to each token.
static std::string wordpiece_cleanup(std::string s) {
  static const std::pair<const char*, const char*> rules[] = {
      {" .", "."},   {" ?", "?"},    {" !", "!"},      {" ,", ","},         {" ' ", "'"},  {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  return replace_all(std::move(s), rules, sizeof rules / sizeof rules[0]);
}

// transformers' clean_up_tokenization, applied to the decoded string.
static std::string transformers_cleanup(std::string s) {
  static const std::pair<const char*, const char*> rules[] = {
      {" .", "."},   {" ?", "?"},   {" !", "!"},   {" ,", ","},   {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  return replace_all(std::move(s), rules, sizeof rules / sizeof rules[0]);
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens,
                              bool clean_up_tokenization_spaces) const {
  std::string text = decode_tokens(ids, skip_special_tokens);
  return clean_up_tokenization_spaces ? transformers_cleanup(std::move(text)) : text;
}

std::string Tokenizer::decode_tokens(const std::vector<std::int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  for (const auto id : ids) {
    if (skip_special_tokens && added_.is_special(id)) continue;
    std::string t = id_to_token(id);
    if (!t.empty()) tokens.push_back(std::move(t));
  }
  std::string out;
  switch (config_.decoder) {
    case DecoderKind::WordPiece:
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::string t = tokens[i];
        if (i > 0) {
          if (t.rfind(config_.decoder_prefix, 0) == 0) {
            t.erase(0, config_.decoder_prefix.size());
          } else {
            t = " " + t;
          }
        }
        out += config_.decoder_cleanup ? wordpiece_cleanup(std::move(t)) : t;
      }
      return out;
    case DecoderKind::ByteLevel: {
      for (const auto& t : tokens) out += t;
      return replace_invalid_utf8(ByteLevelAlphabet::get().decode(out));
    }
    case DecoderKind::None:
      for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
      return out;
  }
  return out;
}

}  // namespace frugal
