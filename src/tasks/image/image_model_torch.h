#pragma once
// Image models at work: tensors of prepared images, training batches (one view, or BYOL's two
// views stacked), class probabilities with test-time augmentation, and freezing a backbone.
#include <torch/torch.h>

#include <memory>

#include "data/image_set.h"
#include "data/image_transform.h"
#include "nn/model_dir_torch.h"
#include "train/indexed_batches_torch.h"

namespace frugal {

// (indices.size(), C, H, W) float images fitted to `spec` (augmented when `augment`).
torch::Tensor image_tensor(const ImageSet& set, const std::vector<std::size_t>& indices, const ImageInputSpec& spec,
                           const AugmentOptions* augment, std::uint64_t seed, std::uint64_t round, bool flip, int threads);

struct ImageBatchOptions {
  std::size_t batch_size = 128;
  std::uint64_t seed = 0;
  int threads = 1;
  bool two_views = false;  // BYOL: pixel_values holds view 1 of every image, then view 2
  torch::Device device = torch::kCPU;
};

// Shuffled batches over `set` (every epoch afresh from the seed); image i of epoch e is
// augmented from (seed, i, 2e + view). labels are the set's (absent when unlabelled);
// TrainBatch::tokens counts images.
std::unique_ptr<IndexedBatchSource> image_batch_source(const ImageSet& set, const ImageInputSpec& spec, const AugmentOptions& augment,
                                                       const ImageBatchOptions& options);

// Softmax probabilities (rows, labels) in fp32 from eval-mode forwards of batches padded to
// batch_size (a row's result does not depend on its neighbours); tta_flip averages them with
// those of the horizontally flipped images. `progress_label` empty: no progress bar.
torch::Tensor image_probabilities(Model& model, const ImageSet& set, std::size_t batch_size, bool tta_flip, int threads,
                                  const std::string& progress_label = "");

// requires_grad of the parameters under the model's base prefix (the backbone) set to `trainable`.
void set_backbone_trainable(Model& model, bool trainable);

// Cross-entropy of the "logits" output against the batch's labels.
torch::Tensor image_classification_loss(Model& model, const TrainBatch& batch);

}  // namespace frugal
