#pragma once
// Choosing a paragraph's generated answers from its scored candidate spans (Puri et al. 2020,
// stage 1): top-k / nucleus cut, then k distinct answers by sampling or by probability. Apart
// from the model that scores the spans (answer_model_torch.h), so it is testable without one.
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"

namespace frugal {

struct AnswerSamplingOptions {
  std::size_t per_context = 5;  // k distinct answers per context
  std::size_t top_k = 0;        // 0: no top-k cut
  double top_p = 0.9;           // nucleus; 1: no cut
  double temperature = 1.0;
  bool greedy = false;          // the k most probable spans instead of sampling
  std::size_t max_words = 0;    // spans of more whitespace-separated words are not candidates (0: any)
  // No two answers of a context overlap: once a span is chosen, the spans sharing a character
  // with it leave the pool. Without it a paragraph's k answers are often one fact with k
  // boundaries ("10th and 11th centuries", "11th centuries"), which teach a reader k answers.
  bool disjoint = false;
  std::uint64_t seed = 0;
  std::size_t max_length = 384;   // the windows' length cap (their largest length bucket)
  int threads = 1;                // workers, each running single-threaded math
  std::vector<std::uint64_t> context_keys;  // random stream of each context (default: its position)
};

struct GeneratedAnswer {
  std::string text;
  std::int64_t start_char = 0, end_char = 0;  // code points of the context
  double probability = 0;                     // under the model (before top-k/p renormalisation)
};

// Up to per_context answers from `candidates` (distinct spans, any order): those over max_words
// dropped, the rest cut to top_k / top_p of their probability mass, then drawn with `rng` in
// proportion to probability (or, greedy, most probable first) until per_context have distinct
// normalised texts (and, disjoint, no overlap). Returned most probable first.
std::vector<GeneratedAnswer> pick_answers(std::vector<GeneratedAnswer> candidates, const AnswerSamplingOptions& options,
                                          Rng& rng);

}  // namespace frugal
