#include "augment/whole_word_mask.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"

namespace frugal {

void TokenBatch::append(const Encoding& e) {
  if (offsets.empty()) offsets.push_back(0);
  ids.insert(ids.end(), e.ids.begin(), e.ids.end());
  for (std::size_t i = 0; i < e.size(); ++i) {
    const auto w = e.word_ids[i];
    word_ids.push_back(w < 0 || e.special_tokens_mask[i] ? -1 : w + (e.sequence_ids[i] > 0 ? (1 << 20) : 0));
  }
  offsets.push_back(ids.size());
}

std::uint32_t WordIndex::word_end(const TokenBatch& batch, std::size_t example, std::uint64_t w) const {
  const auto* ids = batch.word_ids.data();
  const auto end = batch.offsets[example + 1];
  auto t = starts[w];
  const auto word = ids[t];
  while (t < end && ids[t] == word) ++t;
  return static_cast<std::uint32_t>(t);
}

void mark_words(const TokenBatch& batch, WordIndex& index, int threads) {
  // One pass, no allocation when the index is reused (which matters after a tokenizer pass
  // has freed millions of small blocks: glibc would consolidate them on a large malloc).
  const std::size_t n = batch.size();
  index.starts.resize(batch.ids.size());
  index.counts.resize(n);
  const auto* w = batch.word_ids.data();
  auto* starts = index.starts.data();
  parallel_slices(n, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const auto b = batch.offsets[i], e = batch.offsets[i + 1];
      auto* out = starts + b;
      std::uint32_t c = 0;
      std::int32_t prev = -1;
      for (auto t = b; t < e; ++t) {
        out[c] = static_cast<std::uint32_t>(t);
        c += static_cast<std::uint32_t>((w[t] >= 0) & (w[t] != prev));  // branch-free
        prev = w[t];
      }
      index.counts[i] = c;
    }
  });
}

void sample_words(const TokenBatch& batch, const WordIndex& index, std::size_t n, std::uint64_t seed, std::uint64_t round, WordChoice& choice,
                  bool mask_short, std::uint64_t first_example, int threads) {
  const std::size_t examples = index.counts.size();
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
      const auto base = static_cast<std::uint32_t>(batch.offsets[i]);
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
        do {
          pick = base + static_cast<std::uint32_t>(rng.uniform(words));
        } while (std::find(out, out + k, pick) != out + k);
        out[k] = pick;
      }
    }
  });
}

void mask_in_place(const TokenBatch& batch, std::vector<std::int32_t>& ids, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
                   int threads) {
  const std::size_t examples = index.counts.size();
  parallel_slices(examples, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      for (auto k = choice.offsets[i]; k < choice.offsets[i + 1]; ++k) {
        const auto w = choice.words[k];
        for (auto t = index.starts[w], end = index.word_end(batch, i, w); t < end; ++t) ids[t] = mask_id;
      }
    }
  });
}

void mask_copy(const TokenBatch& batch, const WordIndex& index, const WordChoice& choice, std::int32_t mask_id,
               std::vector<std::int32_t>& ids, std::vector<std::int32_t>& labels, int threads) {
  ids = batch.ids;
  labels.assign(batch.ids.size(), kIgnoreLabel);
  const std::size_t examples = index.counts.size();
  parallel_slices(examples, threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      for (auto k = choice.offsets[i]; k < choice.offsets[i + 1]; ++k) {
        const auto w = choice.words[k];
        for (auto t = index.starts[w], end = index.word_end(batch, i, w); t < end; ++t) {
          labels[t] = batch.ids[t];
          ids[t] = mask_id;
        }
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
              std::uint64_t first_example, int threads, const std::uint64_t* example_keys) {
  ids = batch.ids;
  labels.assign(batch.ids.size(), kIgnoreLabel);
  const std::size_t examples = batch.size();
  parallel_slices(examples, threads, [&](std::size_t first, std::size_t last) {
    std::vector<std::uint32_t> order;
    for (std::size_t i = first; i < last; ++i) {
      Rng rng = Rng::for_item(seed, example_keys != nullptr ? example_keys[i] : first_example + i, round);
      const auto length = batch.offsets[i + 1] - batch.offsets[i];
      const std::size_t budget = mlm_budget(length, options.probability, options.max_predictions);
      order.clear();
      for (std::uint64_t w = batch.offsets[i], e = w + index.words(i); w < e; ++w) order.push_back(static_cast<std::uint32_t>(w));
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
        const auto word_end = index.word_end(batch, i, w);
        const std::size_t pieces = word_end - index.starts[w];
        if (predicted + pieces > budget) continue;
        if (options.per_word) {
          const double draw = rng.uniform01();
          const double coin = draw < 0.8 ? 0.0 : rng.uniform01();
          for (auto t = index.starts[w]; t < word_end; ++t) {
            labels[t] = batch.ids[t];
            if (draw < 0.8) {
              ids[t] = options.mask_id;
            } else if (coin >= 0.5 && !options.replacement_ids.empty()) {
              ids[t] = options.replacement_ids[rng.uniform(options.replacement_ids.size())];
            }
          }
        } else {
          for (auto t = index.starts[w]; t < word_end; ++t) {
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
