#pragma once
// Answer-span generation with FrugalBertForAnswerSpans: training batches (every window with at
// least one human answer; the loss is -log of the total probability of its gold spans under one
// softmax over all spans), and sampling k distinct candidate answers per context by top-k /
// nucleus sampling over span probabilities.
#include <torch/torch.h>

#include <vector>

#include "nn/model_dir_torch.h"
#include "tasks/qagen/answer_features.h"
#include "train/indexed_batches_torch.h"

namespace frugal {

// Only windows with a gold span are training examples. labels: (n, seq, max_span) bool.
std::unique_ptr<IndexedBatchSource> answer_batch_source(const std::vector<AnswerFeature>& features,
                                                        const std::vector<std::size_t>& usable, std::size_t batch_size,
                                                        std::int64_t max_span, std::uint64_t seed, std::int64_t pad_id,
                                                        torch::Device device);

torch::Tensor answer_span_loss(Model& model, const TrainBatch& batch);

struct AnswerSamplingOptions {
  std::size_t per_context = 5;  // k distinct answers per context
  std::size_t top_k = 0;        // 0: no top-k cut
  double top_p = 0.9;           // nucleus; 1: no cut
  double temperature = 1.0;
  bool greedy = false;          // the k most probable spans instead of sampling
  std::size_t max_words = 0;    // spans of more whitespace-separated words are not candidates (0: any)
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

// Per context, up to per_context distinct answers (distinct character spans and distinct
// normalised texts), most probable first. Results depend on (seed, context key, options) only:
// not on the other contexts, the chunk, the shard or the thread count.
std::vector<std::vector<GeneratedAnswer>> sample_answers(Model& model, const std::vector<AnswerContext>& contexts,
                                                         const std::vector<AnswerFeature>& features,
                                                         const AnswerSamplingOptions& options);

// Mean over contexts of the best F1 of the k generated answers against the human ones (and
// how many human answers were recovered exactly): the answer model's dev metric.
struct AnswerRecall {
  double best_f1 = 0, exact_recall = 0;
  std::size_t contexts = 0;
};
AnswerRecall answer_recall(const std::vector<AnswerContext>& contexts, const std::vector<std::vector<GeneratedAnswer>>& answers);

}  // namespace frugal
