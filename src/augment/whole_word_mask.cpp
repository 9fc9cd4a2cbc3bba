#include "augment/whole_word_mask.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace frugal {
namespace {

// Runs fn(first, last) on `threads` contiguous slices of [0, n).
template <class Fn>
void parallel_slices(std::size_t n, int threads, Fn&& fn) {
  const std::size_t t = static_cast<std::size_t>(std::max(1, std::min<int>(threads, static_cast<int>(n / 64 + 1))));
  if (t <= 1) {
    fn(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t k = 0; k < t; ++k) {
    pool.emplace_back([&, k] { fn(n * k / t, n * (k + 1) / t); });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

void TokenBatch::append(const Encoding& e) {
  if (offsets.empty()) offsets.push_back(0);
  ids.insert(ids.end(), e.ids.begin(), e.ids.end());
  for (std::size_t i = 0; i < e.size(); ++i) {
    const auto w = e.word_ids[i];
    word_ids.push_back(w < 0 || e.special_tokens_mask[i] ? -1 : w + (e.sequence_ids[i] > 0 ? (1 << 20) : 0));
  }
  offsets.push_back(ids.size());
}

void mark_words(const TokenBatch& batch, WordIndex& index, int threads) {
  // Counts go straight into index.offsets (then a prefix sum): no allocation when the index
  // is reused, which matters after a tokenizer pass has freed millions of small blocks.
  const std::size_t n = batch.size();
  index.offsets.resize(n + 1);
  index.offsets[0] = 0;
  const auto* w = batch.word_ids.data();
  parallel_slices(n, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      std::uint64_t c = 0;
      std::int32_t prev = -1;  // so that the first real word starts a word
      for (auto t = batch.offsets[i], e = batch.offsets[i + 1]; t < e; ++t) {
        c += static_cast<std::uint64_t>((w[t] >= 0) & (w[t] != prev));  // branch-free
        prev = w[t];
      }
      index.offsets[i + 1] = c;
    }
  });
  for (std::size_t i = 0; i < n; ++i) index.offsets[i + 1] += index.offsets[i];
  index.starts.resize(index.offsets[n]);
  index.ends.resize(index.offsets[n]);
  parallel_slices(n, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      // One pass: a word closes where the next starts, at a special token, or at the end.
      auto k = index.offsets[i];
      const auto b = batch.offsets[i], e = batch.offsets[i + 1];
      bool open = false;
      std::int32_t prev = -1;
      for (auto t = b; t < e; ++t) {
        const bool starts = (w[t] >= 0) & (w[t] != prev);
        prev = w[t];
        if (open && (starts || w[t] < 0)) {
          index.ends[k - 1] = static_cast<std::uint32_t>(t);
          open = false;
        }
        if (starts) {
          index.starts[k++] = static_cast<std::uint32_t>(t);
          open = true;
        }
      }
      if (open) index.ends[k - 1] = static_cast<std::uint32_t>(e);
    }
  });
}

void sample_words(const WordIndex& index, std::size_t n, std::uint64_t seed, std::uint64_t round, WordChoice& choice,
                  bool mask_short, std::uint64_t first_example, int threads) {
  const std::size_t examples = index.offsets.size() - 1;
  choice.offsets.resize(examples + 1);
  choice.offsets[0] = 0;
  for (std::size_t i = 0; i < examples; ++i) {
    const auto words = index.words(i);
    choice.offsets[i + 1] = choice.offsets[i] + (words > n ? n : (mask_short ? words : 0));
  }
  choice.words.resize(choice.offsets[examples]);
  parallel_slices(examples, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const auto words = index.words(i);
      auto* out = choice.words.data() + choice.offsets[i];
      const auto base = static_cast<std::uint32_t>(index.offsets[i]);
      if (words <= n) {
        if (mask_short) {
          for (std::uint32_t k = 0; k < words; ++k) out[k] = base + k;
        }
        continue;
      }
      CounterRng rng(seed, first_example + i, round);
      // n distinct draws by rejection: n is small next to the word count.
      for (std::size_t k = 0; k < n; ++k) {
        std::uint32_t pick;
        bool again;
        do {
          pick = base + static_cast<std::uint32_t>(rng.uniform(words));
          again = std::find(out, out + k, pick) != out + k;
        } while (again);
        out[k] = pick;
      }
    }
  });
}

void mask_in_place(std::vector<std::int32_t>& ids, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
                   int threads) {
  parallel_slices(choice.words.size(), threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t k = first; k < last; ++k) {
      const auto w = choice.words[k];
      for (auto t = index.starts[w]; t < index.ends[w]; ++t) ids[t] = mask_id;
    }
  });
}

void mask_copy(const TokenBatch& batch, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
               std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels, int threads) {
  ids = batch.ids;
  labels.assign(batch.ids.size(), kIgnoreLabel);
  parallel_slices(choice.words.size(), threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t k = first; k < last; ++k) {
      const auto w = choice.words[k];
      for (auto t = index.starts[w]; t < index.ends[w]; ++t) {
        labels[t] = batch.ids[t];
        ids[t] = mask_id;
      }
    }
  });
}

std::size_t mlm_budget(std::size_t length, double probability, std::size_t max_predictions) {
  const auto rounded = static_cast<std::size_t>(std::nearbyint(static_cast<double>(length) * probability));
  return std::min(max_predictions, std::max<std::size_t>(1, rounded));
}

void mask_mlm(const TokenBatch& batch, const WordIndex& index, const MlmOptions& options, std::uint64_t seed,
              std::uint64_t round, std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels,
              std::uint64_t first_example, int threads) {
  ids = batch.ids;
  labels.assign(batch.ids.size(), kIgnoreLabel);
  const std::size_t examples = batch.size();
  parallel_slices(examples, threads, [&](std::size_t first, std::size_t last) {
    std::vector<std::uint32_t> order;
    for (std::size_t i = first; i < last; ++i) {
      Rng rng = Rng::for_item(seed, first_example + i, round);
      const auto length = batch.offsets[i + 1] - batch.offsets[i];
      const std::size_t budget = mlm_budget(length, options.probability, options.max_predictions);
      order.clear();
      for (auto w = index.offsets[i]; w < index.offsets[i + 1]; ++w) order.push_back(static_cast<std::uint32_t>(w));
      rng.shuffle(order.begin(), order.end());
      std::size_t predicted = 0;
      auto replace = [&](std::uint32_t t, double draw, double coin) {
        labels[t] = batch.ids[t];
        if (draw < 0.8) {
          ids[t] = options.mask_id;
        } else if (coin >= 0.5 && !options.replacement_ids.empty()) {
          ids[t] = options.replacement_ids[rng.uniform(options.replacement_ids.size())];
        }  // else: unchanged
      };
      for (const auto w : order) {
        if (predicted >= budget) break;
        const std::size_t pieces = index.ends[w] - index.starts[w];
        if (predicted + pieces > budget) continue;
        if (options.per_word) {
          const double draw = rng.uniform01();
          const double coin = draw < 0.8 ? 0.0 : rng.uniform01();
          for (auto t = index.starts[w]; t < index.ends[w]; ++t) {
            labels[t] = batch.ids[t];
            if (draw < 0.8) {
              ids[t] = options.mask_id;
            } else if (coin >= 0.5 && !options.replacement_ids.empty()) {
              ids[t] = options.replacement_ids[rng.uniform(options.replacement_ids.size())];
            }
          }
        } else {
          for (auto t = index.starts[w]; t < index.ends[w]; ++t) {
            const double draw = rng.uniform01();
            replace(t, draw, draw < 0.8 ? 0.0 : rng.uniform01());
          }
        }
        predicted += pieces;
      }
    }
  });
}

}  // namespace frugal
