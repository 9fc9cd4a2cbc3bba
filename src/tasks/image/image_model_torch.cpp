#include "tasks/image/image_model_torch.h"

#include "core/progress.h"
#include "core/rng.h"
#include "core/strings.h"
#include "nn/image_model_torch.h"

namespace frugal {
torch::Tensor image_tensor(const ImageSet& set, const std::vector<std::size_t>& indices, const ImageInputSpec& spec,
                           const AugmentOptions* augment, std::uint64_t seed, std::uint64_t round, bool flip, int threads) {
  auto out = torch::empty({static_cast<std::int64_t>(indices.size()), spec.channels, spec.height, spec.width}, torch::kFloat32);
  prepare_images(set, indices, spec, augment, seed, round, flip, out.data_ptr<float>(), threads);
  return out;
}

std::unique_ptr<IndexedBatchSource> image_batch_source(const ImageSet& set, const ImageInputSpec& spec, const AugmentOptions& augment,
                                                       const ImageBatchOptions& o) {
  auto collate = [&set, spec, augment, o](const std::vector<std::size_t>& indices, TrainBatch& batch) {
    const AugmentOptions* a = augment.any() ? &augment : nullptr;
    const std::uint64_t seed = derive_seed(o.seed, 0x1A5E);  // augmentation stream, apart from the shuffling's
    auto pixels = image_tensor(set, indices, spec, a, seed, 2 * batch.epoch, false, o.threads);
    if (o.two_views) pixels = torch::cat({pixels, image_tensor(set, indices, spec, a, seed, 2 * batch.epoch + 1, false, o.threads)});
    batch.inputs.pixel_values = pixels.to(o.device);
    if (set.labelled()) {
      auto labels = torch::empty({static_cast<std::int64_t>(indices.size())}, torch::kLong);
      for (std::size_t j = 0; j < indices.size(); ++j) labels[static_cast<std::int64_t>(j)] = set.labels[indices[j]];
      batch.labels = labels.to(o.device);
    }
    batch.targets = static_cast<std::int64_t>(indices.size());
    batch.tokens = pixels.size(0);
  };
  return std::make_unique<IndexedBatchSource>(std::vector<std::size_t>(set.size(), 1), o.batch_size, o.seed, collate);
}

torch::Tensor image_probabilities(Model& model, const ImageSet& set, std::size_t batch_size, bool tta_flip, int threads,
                                  const std::string& progress_label) {
  const auto spec = image_input_of(model);
  const auto device = model.module()->parameters().front().device();
  const auto dtype = model.module()->parameters().front().scalar_type();  // fp16/bf16 models take half pixels
  const auto n = set.size();
  model.module()->eval();
  torch::InferenceMode inference;
  ProgressOptions po;
  po.label = progress_label;
  po.unit = "images";
  po.enabled = !progress_label.empty();
  Progress progress(n, po);
  std::vector<torch::Tensor> parts;
  for (std::size_t first = 0; first < n; first += batch_size) {
    const std::size_t last = std::min(n, first + batch_size);
    // Always batch_size rows (the tail repeats its first image): every image is computed in
    // the same shapes whatever the set's size.
    std::vector<std::size_t> indices(batch_size, first);
    for (std::size_t i = first; i < last; ++i) indices[i - first] = i;
    torch::Tensor probs;
    for (const bool flip : tta_flip ? std::vector<bool>{false, true} : std::vector<bool>{false}) {
      ModelBatch b;
      b.pixel_values = image_tensor(set, indices, spec, nullptr, 0, 0, flip, threads).to(device, dtype);
      auto p = torch::softmax(named_output(model.forward(b), "logits").to(torch::kFloat32), 1);
      probs = probs.defined() ? probs + p : p;
    }
    if (tta_flip) probs = probs / 2.0;
    parts.push_back(probs.slice(0, 0, static_cast<std::int64_t>(last - first)).to(torch::kCPU));
    progress.advance(last - first);
  }
  progress.finish();
  return torch::cat(parts).contiguous();
}

void set_backbone_trainable(Model& model, bool trainable) {
  const auto prefix = model.family_model().base_prefix();
  for (auto& p : model.module()->named_parameters()) {
    if (!prefix.empty() && starts_with(p.key(), prefix)) p.value().set_requires_grad(trainable);
  }
}

torch::Tensor image_classification_loss(Model& model, const TrainBatch& batch) {
  return torch::cross_entropy_loss(named_output(model.forward(batch.inputs), "logits").to(torch::kFloat32), batch.labels);
}

}  // namespace frugal
