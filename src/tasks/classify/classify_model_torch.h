#pragma once
// Sequence classification on the trainer, for any model family whose forward yields "logits"
// (BertForSequenceClassification, the RNN students): token ids of each example, training
// batches, the label loss, the distillation losses and batch-invariant inference.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "nn/model_dir_torch.h"
#include "tasks/classify/text_examples.h"
#include "text/tokenizer.h"
#include "train/indexed_batches_torch.h"
#include "train/trainer_torch.h"

namespace frugal {

// Tokens per row: `given` when not 0, else 128 or the model's positions when fewer.
std::size_t classify_max_length(std::size_t given, const Model& model);

struct EncodedText {
  std::vector<std::int32_t> ids, type_ids;
  std::uint64_t key = 0;  // a hash of the text(s): the row's lane in inference batches
};

// [CLS] text [SEP] (pair [SEP]) with the tokenizer's template, cut to max_length tokens
// (longest first), spread over `threads` workers.
std::vector<EncodedText> encode_texts(const Tokenizer& tokenizer, const std::vector<TextExample>& examples, std::size_t max_length,
                                      int threads);

// Training batches (train/indexed_batches_torch.h order): labels (n) long; with teacher
// logits (rows, num_labels), batch.soft_targets holds the rows' logits.
std::unique_ptr<IndexedBatchSource> classify_batch_source(const std::vector<EncodedText>& texts, const std::vector<std::int64_t>& labels,
                                                          const torch::Tensor& teacher_logits, std::size_t batch_size,
                                                          std::uint64_t seed, std::int64_t pad_id, torch::Device device);

// Cross-entropy with the labels (HF's BertForSequenceClassification loss), in fp32.
torch::Tensor classification_loss(Model& model, const TrainBatch& batch);

// alpha * CE(labels) + (1 - alpha) * D(teacher, student), D = mean squared error of the logits
// (Tang et al. 2019) or soft cross-entropy at temperature T, times T^2 (Hinton et al.).
struct DistillationLoss {
  double alpha = 0.0;
  std::string kind = "mse";  // mse | soft-ce
  double temperature = 1.0;
  torch::Tensor operator()(Model& model, const TrainBatch& batch) const;
};

struct ClassifyInferenceOptions {
  std::size_t batch_size = 32;  // slots per batch (1 for families whose batches are not fixed-shape)
  std::size_t max_length = 128;  // the length-bucket cap
  int threads = 1;
};

// (rows, num_labels) fp32 logits on the CPU. A row's logits depend on the row and the model
// only: fixed-shape batches with the row's lane chosen by its key, single-threaded forwards
// spread over workers (nn/fixed_shape_batches.h, nn/invariant_inference_torch.h).
torch::Tensor classify_logits(Model& model, const std::vector<EncodedText>& texts, const ClassifyInferenceOptions& options);

}  // namespace frugal
