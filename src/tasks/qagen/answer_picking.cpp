#include "tasks/qagen/answer_picking.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "tasks/qa/squad_metric.h"

namespace frugal {
namespace {

std::size_t count_words(const std::string& text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char ch : text) {
    const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
    words += !space && !in_word ? 1 : 0;
    in_word = !space;
  }
  return words;
}

bool by_probability(const GeneratedAnswer& a, const GeneratedAnswer& b) { return a.probability > b.probability; }

}  // namespace

std::vector<GeneratedAnswer> pick_answers(std::vector<GeneratedAnswer> candidates, const AnswerSamplingOptions& options,
                                          Rng& rng) {
  auto& pool = candidates;
  if (options.max_words > 0) {
    pool.erase(std::remove_if(pool.begin(), pool.end(), [&](const GeneratedAnswer& g) { return count_words(g.text) > options.max_words; }),
               pool.end());
  }
  std::stable_sort(pool.begin(), pool.end(), by_probability);
  // top-k / nucleus cut of the candidate pool.
  std::size_t keep = pool.size();
  if (options.top_k > 0) keep = std::min(keep, options.top_k);
  double total = 0;
  for (const auto& g : pool) total += g.probability;
  double cumulative = 0;
  for (std::size_t i = 0; i < keep; ++i) {
    cumulative += pool[i].probability;
    if (cumulative >= options.top_p * total) {
      keep = i + 1;
      break;
    }
  }
  pool.resize(keep);
  std::vector<GeneratedAnswer> out;
  std::set<std::string> texts;
  while (out.size() < options.per_context && !pool.empty()) {
    std::size_t pick = 0;
    if (!options.greedy) {
      double mass = 0;
      for (const auto& g : pool) mass += g.probability;
      double u = rng.uniform01() * mass;
      for (pick = 0; pick + 1 < pool.size() && u >= pool[pick].probability; ++pick) u -= pool[pick].probability;
    }
    auto chosen = pool[pick];
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(pick));
    const auto normal = squad_normalize(chosen.text);
    if (normal.empty() || !texts.insert(normal).second) continue;  // duplicates dropped
    if (options.disjoint) {
      pool.erase(std::remove_if(pool.begin(), pool.end(),
                                [&](const GeneratedAnswer& g) { return g.start_char < chosen.end_char && chosen.start_char < g.end_char; }),
                 pool.end());
    }
    out.push_back(std::move(chosen));
  }
  std::stable_sort(out.begin(), out.end(), by_probability);
  return out;
}

}  // namespace frugal
