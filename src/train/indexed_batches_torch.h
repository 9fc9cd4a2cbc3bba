#pragma once
// A batch source over in-memory examples (QA windows, answer windows, question-generation
// sequences): each epoch the examples are shuffled from (seed, epoch), sorted by length within
// chunks of 50 batches (little padding), cut into batches and the batches shuffled again.
// The caller's collate turns example indices into a TrainBatch. State: (epoch, next batch).
#include <functional>
#include <vector>

#include "train/trainer_torch.h"

namespace frugal {

class IndexedBatchSource : public BatchSource {
 public:
  using Collate = std::function<void(const std::vector<std::size_t>& indices, TrainBatch& batch)>;
  IndexedBatchSource(std::vector<std::size_t> lengths, std::size_t batch_size, std::uint64_t seed, Collate collate);
  bool next(TrainBatch& batch) override;
  void restore(const nlohmann::json& state) override;
  std::size_t batches_per_epoch() const { return (lengths_.size() + batch_size_ - 1) / batch_size_; }

 private:
  void plan();
  std::vector<std::size_t> lengths_;
  std::size_t batch_size_;
  std::uint64_t seed_;
  Collate collate_;
  std::uint64_t epoch_ = 0;
  std::size_t next_ = 0;
  std::vector<std::vector<std::size_t>> batches_;
};

// Example rows padded to the longest (or to `length` when longer): a (rows, longest) long
// tensor filled with `pad`.
torch::Tensor pad_rows(const std::vector<const std::vector<std::int32_t>*>& rows, std::int64_t pad, std::size_t length = 0);

// Rows of token ids and token types as one batch on `device`: ids padded with pad_id, types
// with 0, attention_mask 1 on each row's own tokens (to the longest row, or `length` when longer).
ModelBatch collate_rows(const std::vector<const std::vector<std::int32_t>*>& ids,
                        const std::vector<const std::vector<std::int32_t>*>& types, std::int64_t pad_id, torch::Device device,
                        std::size_t length = 0);

}  // namespace frugal
