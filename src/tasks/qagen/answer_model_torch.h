#pragma once
// Answer-span generation with FrugalBertForAnswerSpans: training batches (every window with at
// least one human answer; the loss is -log of the total probability of its gold spans under one
// softmax over all spans), and scoring every span of a context for pick_answers (answer_picking.h).
#include <torch/torch.h>

#include <vector>

#include "nn/model_dir_torch.h"
#include "tasks/qagen/answer_features.h"
#include "tasks/qagen/answer_picking.h"
#include "train/indexed_batches_torch.h"

namespace frugal {

// Only windows with a gold span are training examples. labels: (n, seq, max_span) bool.
std::unique_ptr<IndexedBatchSource> answer_batch_source(const std::vector<AnswerFeature>& features,
                                                        const std::vector<std::size_t>& usable, std::size_t batch_size,
                                                        std::int64_t max_span, std::uint64_t seed, std::int64_t pad_id,
                                                        torch::Device device);

torch::Tensor answer_span_loss(Model& model, const TrainBatch& batch);

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
