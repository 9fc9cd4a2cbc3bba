#include "text/bpe.h"

#include <functional>
#include <queue>
#include <stdexcept>

#include "core/utf8.h"

namespace frugal {
namespace {

std::uint64_t pair_key(std::int32_t a, std::int32_t b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

struct Symbol {
  std::int32_t id;
  std::uint32_t begin, end;  // code points in the word
  std::int32_t prev, next;
  bool alive;
};

struct Candidate {
  std::int32_t rank;
  std::int32_t pos;
  std::int32_t new_id;
  bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

}  // namespace

Bpe::Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options)
    : vocab_(std::move(vocab)), merges_(merges), options_(std::move(options)), cache_(new CacheShard[kShards]) {
  if (!options_.unk_token.empty()) unk_id_ = vocab_.find(options_.unk_token);
  const std::size_t prefix_len = options_.continuing_subword_prefix.size();
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    const auto left = vocab_.find(a);
    const auto right = vocab_.find(b);
    const std::string merged = a + (prefix_len > 0 && b.rfind(options_.continuing_subword_prefix, 0) == 0 ? b.substr(prefix_len) : b);
    const auto merged_id = vocab_.find(merged);
    if (left < 0 || right < 0 || merged_id < 0) {
      throw std::invalid_argument("BPE merge " + std::to_string(rank + 1) + " ('" + a + " " + b +
                                  "') uses a token missing from the vocabulary");
    }
    ranks_.emplace(pair_key(left, right), std::make_pair(static_cast<std::int32_t>(rank), merged_id));
  }
}

Bpe::~Bpe() = default;

void Bpe::merge_word(std::string_view word, std::vector<SubwordPiece>& out) const {
  const std::u32string chars = decode_utf8(word);
  std::vector<Symbol> symbols;
  symbols.reserve(chars.size());
  std::string key;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    key.clear();
    if (i > 0) key += options_.continuing_subword_prefix;
    append_utf8(key, chars[i]);
    if (i + 1 == chars.size()) key += options_.end_of_word_suffix;
    std::int32_t id = vocab_.find(key);
    if (id < 0) {
      if (unk_id_ < 0) continue;  // HF drops characters it cannot represent
      if (options_.fuse_unk && !symbols.empty() && symbols.back().id == unk_id_ && symbols.back().end == i) {
        symbols.back().end = static_cast<std::uint32_t>(i + 1);
        continue;
      }
      id = unk_id_;
    }
    symbols.push_back({id, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1), 0, 0, true});
  }
  const auto n = static_cast<std::int32_t>(symbols.size());
  for (std::int32_t i = 0; i < n; ++i) {
    symbols[static_cast<std::size_t>(i)].prev = i - 1;
    symbols[static_cast<std::size_t>(i)].next = i + 1 < n ? i + 1 : -1;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto consider = [&](std::int32_t left) {
    if (left < 0) return;
    const auto right = symbols[static_cast<std::size_t>(left)].next;
    if (right < 0) return;
    const auto it = ranks_.find(pair_key(symbols[static_cast<std::size_t>(left)].id, symbols[static_cast<std::size_t>(right)].id));
    if (it != ranks_.end()) queue.push({it->second.first, left, it->second.second});
  };
  for (std::int32_t i = 0; i + 1 < n; ++i) consider(i);
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    auto& left = symbols[static_cast<std::size_t>(top.pos)];
    if (!left.alive || left.next < 0) continue;
    auto& right = symbols[static_cast<std::size_t>(left.next)];
    const auto it = ranks_.find(pair_key(left.id, right.id));
    if (it == ranks_.end() || it->second.second != top.new_id) continue;  // stale candidate
    left.id = top.new_id;
    left.end = right.end;
    right.alive = false;
    left.next = right.next;
    if (left.next >= 0) symbols[static_cast<std::size_t>(left.next)].prev = top.pos;
    consider(left.prev);
    consider(top.pos);
  }
  for (const auto& s : symbols) {
    if (s.alive) out.push_back({s.id, s.begin, s.end});
  }
}

void Bpe::tokenize(std::string_view word, std::vector<SubwordPiece>& out) const {
  auto& shard = cache_[std::hash<std::string_view>{}(word) % kShards];
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    const auto it = shard.words.find(std::string(word));
    if (it != shard.words.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  const std::size_t first = out.size();
  merge_word(word, out);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.words.size() < options_.cache_capacity / kShards) {
    shard.words.emplace(std::string(word), std::vector<SubwordPiece>(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()));
  }
}

}  // namespace frugal
