#pragma once
// Question generation with the GPT-2 decoder (token types: text / answer / question): training
// batches with the loss on question tokens only, and batched sampling with a KV cache (prompts
// left-padded, positions counted per row), top-k / top-p / temperature, several questions per
// answer. Sampling draws from Rng(seed, row key, step) on the CPU, and rows run in fixed-shape
// batches with single-threaded math (nn/fixed_shape_batches.h), so a prompt's questions do not
// depend on which rows share its batch, the chunk, the shard or the thread count.
#include <torch/torch.h>

#include <vector>

#include "nn/model_dir_torch.h"
#include "tasks/qagen/question_features.h"
#include "text/tokenizer.h"
#include "train/indexed_batches_torch.h"

namespace frugal {

std::unique_ptr<IndexedBatchSource> question_batch_source(const std::vector<QuestionFeature>& features, std::size_t batch_size,
                                                          std::uint64_t seed, std::int64_t pad_id, torch::Device device);

// Mean next-token cross-entropy over the question tokens and <eos>.
torch::Tensor question_lm_loss(Model& model, const TrainBatch& batch);

struct QuestionSamplingOptions {
  std::size_t per_answer = 1;
  std::size_t max_new_tokens = 32;
  std::size_t top_k = 0;     // 0: off
  double top_p = 0.9;        // 1: off
  double temperature = 1.0;  // 0: greedy
  // Copy prior (a decoding-time stand-in for a pointer network, See et al. 2017): before
  // sampling, add copy_bonus to the logit of every token of the context within copy_window
  // tokens of the answer span, except the answer's own tokens. Human questions reuse the
  // answer sentence's words; a small generator trained for minutes does not learn to. 0: off.
  double copy_bonus = 0;
  std::size_t copy_window = 32;
  std::uint64_t seed = 0;
  std::size_t batch_size = 32;  // rows per batch (fixed: short batches are filled)
  int threads = 1;              // workers, each running single-threaded math
  bool use_cache = true;     // false: recompute the whole prefix every step (benchmarks)
  // Key of each prompt's random streams (default: its position), so that a prompt gets the same
  // questions whatever else is generated with it.
  std::vector<std::uint64_t> prompt_keys;
};

struct GeneratedQuestion {
  std::string text;
  double log_probability = 0;  // of the sampled tokens (without temperature)
  bool finished = false;       // ended with <eos> within max_new_tokens
};

// prompts from question_prompt(); result[i] holds per_answer questions for prompt i.
std::vector<std::vector<GeneratedQuestion>> generate_questions(Model& model, const Tokenizer& tokenizer,
                                                               const QuestionTokens& special,
                                                               const std::vector<QuestionFeature>& prompts,
                                                               const QuestionSamplingOptions& options);

}  // namespace frugal
