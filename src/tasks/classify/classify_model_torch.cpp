#include "tasks/classify/classify_model_torch.h"

#include <algorithm>

#include "core/parallel.h"
#include "core/rng.h"
#include "nn/fixed_shape_batches.h"
#include "nn/invariant_inference_torch.h"

namespace frugal {
namespace {

std::uint64_t text_key(const std::string& text, const std::string& pair) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over both texts, then a mix
  for (const auto* s : {&text, &pair}) {
    for (const unsigned char c : *s) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0x1f) * 0x100000001b3ULL;
  }
  return mix64(h);
}

ModelBatch collate_texts(const std::vector<EncodedText>& texts, const std::vector<std::size_t>& rows, std::int64_t pad_id,
                         torch::Device device, std::size_t length = 0) {
  std::vector<const std::vector<std::int32_t>*> ids, types;
  for (const auto i : rows) {
    ids.push_back(&texts[i].ids);
    types.push_back(&texts[i].type_ids);
  }
  return collate_rows(ids, types, pad_id, device, length);
}

torch::Tensor logits_of(Model& model, const ModelBatch& batch) {
  for (auto& [name, tensor] : model.forward(batch)) {
    if (name == "logits") return tensor.to(torch::kFloat32);  // losses and softmax in fp32
  }
  throw std::invalid_argument(model.architecture() + " has no logits output");
}

}  // namespace

std::size_t classify_max_length(std::size_t given, const Model& model) {
  if (given > 0) return given;
  return static_cast<std::size_t>(std::min<std::int64_t>(128, model.max_positions()));
}

std::vector<EncodedText> encode_texts(const Tokenizer& tokenizer, const std::vector<TextExample>& examples, std::size_t max_length,
                                      int threads) {
  std::vector<EncodedText> out(examples.size());
  parallel_slices(examples.size(), threads, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const auto& e = examples[i];
      auto enc = e.pair.empty() ? tokenizer.encode(e.text) : tokenizer.encode_pair(e.text, e.pair);
      if (enc.ids.size() > max_length) {
        // Keep the start and the closing special token (the tokenizer's own truncation is
        // configured per tokenizer; a classifier cuts the same way for every one).
        enc.ids.erase(enc.ids.begin() + static_cast<std::ptrdiff_t>(max_length) - 1, enc.ids.end() - 1);
        enc.type_ids.erase(enc.type_ids.begin() + static_cast<std::ptrdiff_t>(max_length) - 1, enc.type_ids.end() - 1);
      }
      out[i].ids = std::move(enc.ids);
      out[i].type_ids = std::move(enc.type_ids);
      out[i].key = text_key(e.text, e.pair);
    }
  });
  return out;
}

std::unique_ptr<IndexedBatchSource> classify_batch_source(const std::vector<EncodedText>& texts, const std::vector<std::int64_t>& labels,
                                                          const torch::Tensor& teacher_logits, std::size_t batch_size,
                                                          std::uint64_t seed, std::int64_t pad_id, torch::Device device) {
  std::vector<std::size_t> lengths;
  for (const auto& t : texts) lengths.push_back(t.ids.size());
  return std::make_unique<IndexedBatchSource>(
      std::move(lengths), batch_size, seed,
      [&texts, &labels, teacher_logits, pad_id, device](const std::vector<std::size_t>& rows, TrainBatch& batch) {
        batch.inputs = collate_texts(texts, rows, pad_id, device);
        auto l = torch::empty({static_cast<std::int64_t>(rows.size())}, torch::kLong);
        auto la = l.accessor<std::int64_t, 1>();
        for (std::size_t r = 0; r < rows.size(); ++r) la[static_cast<std::int64_t>(r)] = labels[rows[r]];
        batch.labels = l.to(device);
        if (teacher_logits.defined()) {
          const auto index = torch::tensor(std::vector<std::int64_t>(rows.begin(), rows.end()), torch::kLong);
          batch.soft_targets = teacher_logits.index_select(0, index).to(device);
        }
        batch.targets = static_cast<std::int64_t>(rows.size());
        batch.tokens = batch.inputs.attention_mask.sum().item<std::int64_t>();
      });
}

torch::Tensor classification_loss(Model& model, const TrainBatch& batch) {
  return torch::nn::functional::cross_entropy(logits_of(model, batch.inputs), batch.labels);
}

torch::Tensor DistillationLoss::operator()(Model& model, const TrainBatch& batch) const {
  const auto student = logits_of(model, batch.inputs);
  const auto teacher = batch.soft_targets.to(torch::kFloat32);
  torch::Tensor soft;
  if (kind == "mse") {
    // Tang et al.: ||z_teacher - z_student||^2, summed over the labels, averaged over rows.
    soft = (student - teacher).pow(2).sum(1).mean();
  } else {
    const auto t = temperature;
    soft = -(torch::softmax(teacher / t, 1) * torch::log_softmax(student / t, 1)).sum(1).mean() * (t * t);
  }
  if (alpha <= 0) return soft;
  return alpha * torch::nn::functional::cross_entropy(student, batch.labels) + (1 - alpha) * soft;
}

torch::Tensor classify_logits(Model& model, const std::vector<EncodedText>& texts, const ClassifyInferenceOptions& options) {
  const auto device = model.module()->parameters().front().device();
  const auto batch_size = std::max<std::size_t>(1, model.family_model().invariant_batch_size(options.batch_size));
  std::vector<std::size_t> lengths, lanes;
  for (const auto& t : texts) {
    lengths.push_back(t.ids.size());
    if (batch_size > 1) lanes.push_back(lane_of(t.key, batch_size));
  }
  const auto batches = plan_fixed_shape_batches(lengths, lanes, batch_size, options.max_length);
  std::vector<torch::Tensor> rows(texts.size());
  run_invariant_batches(batches.size(), options.threads, device, [&](std::size_t b) {
    const auto& plan = batches[b];
    const auto in = collate_texts(texts, slot_rows(plan), model.pad_token_id(), device, batch_size > 1 ? plan.length : 0);
    const auto logits = logits_of(model, in).to(torch::kCPU);
    for (std::size_t s = 0; s < plan.slots.size(); ++s) {
      if (plan.slots[s] != kEmptySlot) rows[plan.slots[s]] = logits[static_cast<std::int64_t>(s)].clone();
    }
  });
  if (rows.empty()) return torch::empty({0, 0});
  return torch::stack(rows);
}

}  // namespace frugal
