#pragma once
// A token vocabulary: id <-> string, with string_view lookups that allocate nothing.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace frugal {

class Vocab {
 public:
  Vocab() = default;
  Vocab(const Vocab& other) { *this = other; }
  Vocab& operator=(const Vocab& other);
  Vocab(Vocab&&) = default;
  Vocab& operator=(Vocab&&) = default;

  // Builds the whole vocabulary at once (what loaders use: one index build).
  static Vocab from_pairs(std::vector<std::pair<std::string, std::int32_t>> pairs);
  // Adds token with the given id (ids may come in any order; gaps are allowed).
  void add(std::string token, std::int32_t id);
  // -1 when absent.
  std::int32_t find(std::string_view token) const {
    const auto it = index_.find(token);
    return it == index_.end() ? -1 : it->second;
  }
  bool contains(std::string_view token) const { return index_.count(token) != 0; }
  // "" for ids that have no token.
  const std::string& token(std::int32_t id) const;
  std::size_t size() const { return index_.size(); }
  std::int32_t max_id() const { return static_cast<std::int32_t>(tokens_.size()) - 1; }
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  void rebuild_index();
  std::vector<std::string> tokens_;                        // by id
  std::unordered_map<std::string_view, std::int32_t> index_;  // views into tokens_
};

}  // namespace frugal
