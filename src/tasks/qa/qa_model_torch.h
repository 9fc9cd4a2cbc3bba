#pragma once
// Extractive QA on the trainer: batches of QA windows, the span loss, prediction over all
// windows of every question, and the prediction files `frugal eval squad` reads.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "nn/model_dir_torch.h"
#include "tasks/qa/qa_features.h"
#include "train/indexed_batches_torch.h"
#include "train/trainer_torch.h"

namespace frugal {

// Training batches of QA windows (train/indexed_batches_torch.h order); labels: (n, 2) start/end.
std::unique_ptr<IndexedBatchSource> qa_batch_source(const std::vector<QaFeature>& features, std::size_t batch_size,
                                                    std::uint64_t seed, std::int64_t pad_id, torch::Device device);

// Pads features [indices] into a batch (ids, types, mask on `device`), to the longest or to
// `length` when longer.
ModelBatch collate_qa(const std::vector<QaFeature>& features, const std::vector<std::size_t>& indices, std::int64_t pad_id,
                      torch::Device device, std::size_t length = 0);

// The model's lexical-match scheme: its config's "lexical_match_types" (0 when absent), for
// QaFeatureOptions::lexical_match_types.
std::int64_t lexical_match_types_of(const Model& model);

// Mean of the start and end cross-entropies (HF's BertForQuestionAnswering loss).
torch::Tensor qa_loss(Model& model, const TrainBatch& batch);

// A question's answer depends on these options and the model only: each window runs alone,
// padded to its length bucket (nn/fixed_shape_batches.h), single-threaded math spread over
// `threads` workers.
struct QaPredictOptions {
  std::size_t max_length = 384;  // the windows' length cap (their largest length bucket)
  int threads = 1;
  QaDecodeOptions decode;
};

// One answer per question (in question order).
std::vector<QaAnswer> predict_answers(Model& model, const std::vector<QaQuestion>& questions,
                                      const std::vector<QaFeature>& features, const QaPredictOptions& options);

// predictions.json {id: text}; optional nbest.json {id: [{text, probability, score, start, end}]}
// and na_probs.json {id: p} (v2). Each written atomically.
void write_qa_predictions(const std::vector<QaQuestion>& questions, const std::vector<QaAnswer>& answers,
                          const std::string& predictions, const std::string& nbest, const std::string& na_probs);

}  // namespace frugal
