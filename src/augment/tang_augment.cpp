#include "augment/tang_augment.h"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace frugal {

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

static std::string lower_ascii(std::string s) {
  for (auto& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return s;
}

TangAugmenter::TangAugmenter(const PosLexicon& lexicon, const std::vector<std::string>& corpus, TangOptions options)
    : lexicon_(lexicon), options_(std::move(options)) {
  // Counts in a sorted map, so that the distributions do not depend on hashing.
  std::map<std::string, std::uint64_t> counts;
  for (const auto& text : corpus) {
    for (const auto& w : split_words(text)) ++counts[w];
  }
  for (const auto& [word, count] : counts) {
    const std::string key = lower_ascii(word);
    auto found = tags_.find(key);
    if (found == tags_.end()) found = tags_.emplace(key, lexicon_.tag(key)).first;
    const auto pos = found->second;
    if (pos == PartOfSpeech::None) continue;
    const auto p = static_cast<std::size_t>(pos);
    words_[p].push_back(word);
    cumulative_[p].push_back((cumulative_[p].empty() ? 0 : cumulative_[p].back()) + count);
  }
}

PartOfSpeech TangAugmenter::tag(const std::string& word) const {
  const std::string key = lower_ascii(word);
  if (const auto it = tags_.find(key); it != tags_.end()) return it->second;
  return lexicon_.tag(key);  // words outside the corpus: read-only, safe from several threads
}

const std::string& TangAugmenter::sample(PartOfSpeech pos, Rng& rng) const {
  const auto p = static_cast<std::size_t>(pos);
  const auto& cum = cumulative_[p];
  const auto r = rng.uniform(cum.back());
  const auto it = std::upper_bound(cum.begin(), cum.end(), r);
  return words_[p][static_cast<std::size_t>(it - cum.begin())];
}

std::string TangAugmenter::vary(const std::string& text, Rng& rng) const {
  const auto words = split_words(text);
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) {
    const double x = rng.uniform01();
    if (x < options_.p_mask) {
      out.push_back(options_.mask_token);
    } else if (x < options_.p_mask + options_.p_pos) {
      const auto pos = tag(w);
      out.push_back(pos != PartOfSpeech::None && !cumulative_[static_cast<std::size_t>(pos)].empty() ? sample(pos, rng) : w);
    } else {
      out.push_back(w);
    }
  }
  if (rng.uniform01() < options_.p_ng && !out.empty()) {
    const std::size_t n = 1 + rng.uniform(5);
    if (n < out.size()) {
      const std::size_t start = rng.uniform(out.size() - n + 1);
      out = std::vector<std::string>(out.begin() + static_cast<std::ptrdiff_t>(start),
                                     out.begin() + static_cast<std::ptrdiff_t>(start + n));
    }
  }
  std::string joined;
  for (std::size_t i = 0; i < out.size(); ++i) joined += (i ? " " : "") + out[i];
  return joined;
}

std::vector<std::vector<std::string>> TangAugmenter::augment(const std::vector<std::string>& fields, std::uint64_t seed,
                                                             std::uint64_t index) const {
  Rng rng = Rng::for_item(seed, index, 0);
  std::vector<std::vector<std::string>> variants;
  std::unordered_set<std::string> seen;
  auto key = [](const std::vector<std::string>& f) {
    std::string k;
    for (const auto& s : f) k += s + '\t';
    return k;
  };
  // The original, in the form variants take (words joined by single spaces), is no variant.
  std::vector<std::string> original;
  for (const auto& f : fields) {
    const auto words = split_words(f);
    std::string joined;
    for (std::size_t i = 0; i < words.size(); ++i) joined += (i ? " " : "") + words[i];
    original.push_back(joined);
  }
  seen.insert(key(original));
  for (std::size_t it = 0; it < options_.n_iter; ++it) {
    std::vector<std::string> v = fields;
    if (fields.size() == 1) {
      v[0] = vary(fields[0], rng);
    } else {
      const std::size_t which = it % 3;  // first, second, both
      if (which != 1) v[0] = vary(fields[0], rng);
      if (which != 0) v[1] = vary(fields[1], rng);
    }
    if (seen.insert(key(v)).second) variants.push_back(std::move(v));
  }
  return variants;
}

}  // namespace frugal
