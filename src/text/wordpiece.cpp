#include "text/wordpiece.h"

#include <algorithm>
#include <stdexcept>

#include "core/utf8.h"

namespace frugal {

WordPiece::WordPiece(Vocab vocab, WordPieceOptions options) : vocab_(std::move(vocab)), options_(std::move(options)) {
  unk_id_ = vocab_.find(options_.unk_token);
  if (unk_id_ < 0) throw std::invalid_argument("WordPiece: unk token '" + options_.unk_token + "' is not in the vocabulary");
  for (const auto& t : vocab_.tokens()) max_token_bytes_ = std::max(max_token_bytes_, t.size());
}

void WordPiece::tokenize(const char32_t* word, std::size_t length, std::vector<SubwordPiece>& out) const {
  const auto whole_word_unknown = [&] { out.push_back({unk_id_, 0, static_cast<std::uint32_t>(length)}); };
  if (length > options_.max_input_chars_per_word) return whole_word_unknown();

  // UTF-8 of the word, with the byte offset of every code point boundary.
  thread_local std::string bytes;
  thread_local std::vector<std::uint32_t> boundary;
  thread_local std::string key;
  bytes.clear();
  boundary.clear();
  for (std::size_t i = 0; i < length; ++i) {
    boundary.push_back(static_cast<std::uint32_t>(bytes.size()));
    append_utf8(bytes, word[i]);
  }
  boundary.push_back(static_cast<std::uint32_t>(bytes.size()));

  const std::size_t first_piece = out.size();
  const std::string& prefix = options_.continuing_subword_prefix;
  std::size_t start = 0;
  while (start < length) {
    std::size_t end = length;
    std::int32_t found = -1;
    // Skip lengths that no vocabulary entry can have.
    const std::size_t budget = max_token_bytes_ - (start > 0 ? std::min(max_token_bytes_, prefix.size()) : 0);
    while (end > start && boundary[end] - boundary[start] > budget) --end;
    for (; end > start; --end) {
      const std::string_view piece(bytes.data() + boundary[start], boundary[end] - boundary[start]);
      if (start > 0) {
        key.assign(prefix);
        key.append(piece);
        found = vocab_.find(key);
      } else {
        found = vocab_.find(piece);
      }
      if (found >= 0) break;
    }
    if (found < 0) {
      out.resize(first_piece);
      return whole_word_unknown();
    }
    out.push_back({found, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end)});
    start = end;
  }
}

}  // namespace frugal
