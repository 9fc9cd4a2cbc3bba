#pragma once
// Masked-LM and causal-LM pretraining on top of the trainer: the batch source (streamed,
// bucketed, dynamically padded, whole-word masked per epoch, prefetched on a background
// thread), the losses, and masked-token / next-token perplexity on held-out text.
#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "augment/whole_word_mask.h"
#include "train/pretrain_data.h"
#include "train/trainer_torch.h"

namespace frugal {

struct PretrainSourceOptions {
  PretrainDataOptions data;
  MlmOptions mlm;           // masked LM only (mask_id and replacement ids from the tokenizer)
  std::int64_t pad_id = 0;
  std::size_t prefetch = 4; // batches prepared ahead; 0: no background thread
};

// MlmOptions for a tokenizer: its mask token and every non-special id as replacements.
MlmOptions mlm_options_for(const Tokenizer& tokenizer, double probability, bool per_word);

class PretrainBatchSource : public BatchSource {
 public:
  PretrainBatchSource(std::vector<std::string> files, const Tokenizer& tokenizer, PretrainSourceOptions options,
                      torch::Device device);
  ~PretrainBatchSource() override;
  bool next(TrainBatch& batch) override;
  void restore(const nlohmann::json& state) override;
  std::uint64_t replaced_lines() const { return loader_.replaced_lines(); }

 private:
  struct Item {
    bool end_of_epoch = false;
    TrainBatch batch;
  };
  Item produce();
  void start();
  void stop();

  PretrainLoader loader_;
  PretrainSourceOptions options_;
  torch::Device device_;
  DynamicMasker masker_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::exception_ptr error_;
};

nlohmann::json loader_state_to_json(const LoaderState& s);
LoaderState loader_state_from_json(const nlohmann::json& j);

// Mean cross-entropy over the masked positions (the vocabulary projection runs only there).
torch::Tensor masked_lm_loss(Model& model, const TrainBatch& batch);
// Mean next-token cross-entropy over real tokens.
torch::Tensor causal_lm_loss(Model& model, const TrainBatch& batch);

// Held-out evaluation: all batches of one pass over `files`, masked once with `seed`
// (the same positions for every model compared). Returns loss, perplexity, targets.
class HeldOutSet {
 public:
  HeldOutSet(std::vector<std::string> files, const Tokenizer& tokenizer, PretrainSourceOptions options,
             torch::Device device, std::size_t max_batches = 0);
  nlohmann::json evaluate(Model& model) const;  // loss, perplexity, accuracy, targets
  std::int64_t targets() const;
  const std::vector<TrainBatch>& batches() const { return batches_; }

 private:
  PretrainObjective objective_;
  std::vector<TrainBatch> batches_;
};

}  // namespace frugal
