#include "text/vocab.h"

#include <algorithm>

namespace frugal {

Vocab& Vocab::operator=(const Vocab& other) {
  if (this != &other) {
    tokens_ = other.tokens_;
    rebuild_index();
  }
  return *this;
}

Vocab Vocab::from_pairs(std::vector<std::pair<std::string, std::int32_t>> pairs) {
  Vocab v;
  std::int32_t max_id = -1;
  for (const auto& p : pairs) max_id = std::max(max_id, p.second);
  v.tokens_.resize(static_cast<std::size_t>(max_id + 1));
  for (auto& p : pairs) {
    if (p.second >= 0) v.tokens_[static_cast<std::size_t>(p.second)] = std::move(p.first);
  }
  v.rebuild_index();
  return v;
}

void Vocab::add(std::string token, std::int32_t id) {
  if (id < 0) return;
  if (static_cast<std::size_t>(id) >= tokens_.size()) {
    // Growing the vector moves the strings; short strings live inline (SSO), so every view
    // must be rebuilt.
    tokens_.resize(static_cast<std::size_t>(id) + 1);
    tokens_[static_cast<std::size_t>(id)] = std::move(token);
    rebuild_index();
    return;
  }
  auto& slot = tokens_[static_cast<std::size_t>(id)];
  if (!slot.empty()) index_.erase(slot);
  slot = std::move(token);
  index_[slot] = id;
}

const std::string& Vocab::token(std::int32_t id) const {
  static const std::string empty;
  if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size()) return empty;
  return tokens_[static_cast<std::size_t>(id)];
}

void Vocab::rebuild_index() {
  index_.clear();
  index_.reserve(tokens_.size());
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (!tokens_[i].empty()) index_[tokens_[i]] = static_cast<std::int32_t>(i);
  }
}

}  // namespace frugal
