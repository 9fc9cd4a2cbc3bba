#include "tasks/qagen/answer_model_torch.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/rng.h"
#include "core/utf8.h"
#include "nn/fixed_shape_batches.h"
#include "nn/invariant_inference_torch.h"
#include "tasks/qa/squad_metric.h"
#include "nn/bert_family_torch.h"

namespace frugal {
namespace {

ModelBatch collate_answers(const std::vector<AnswerFeature>& features, const std::vector<std::size_t>& indices,
                           std::int64_t pad_id, torch::Device device, std::size_t length = 0) {
  std::vector<const std::vector<std::int32_t>*> rows;
  for (const auto i : indices) rows.push_back(&features[i].ids);
  ModelBatch b;
  b.input_ids = pad_rows(rows, pad_id, length);
  b.attention_mask = b.input_ids.ne(pad_id).to(torch::kLong);
  auto allowed = torch::zeros(b.input_ids.sizes(), torch::kBool);
  auto aa = allowed.accessor<bool, 2>();
  auto ma = b.attention_mask.accessor<std::int64_t, 2>();
  for (std::size_t r = 0; r < indices.size(); ++r) {
    const auto& f = features[indices[r]];
    for (std::size_t t = 0; t < f.ids.size(); ++t) {
      aa[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(t)] = f.context_begin[t] >= 0;
      ma[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(t)] = 1;  // a pad id inside the text is still text
    }
  }
  b.input_ids = b.input_ids.to(device);
  b.attention_mask = b.attention_mask.to(device);
  b.token_type_ids = torch::zeros_like(b.input_ids);
  b.allowed = allowed.to(device);
  return b;
}

}  // namespace

std::unique_ptr<IndexedBatchSource> answer_batch_source(const std::vector<AnswerFeature>& features,
                                                        const std::vector<std::size_t>& usable, std::size_t batch_size,
                                                        std::int64_t max_span, std::uint64_t seed, std::int64_t pad_id,
                                                        torch::Device device) {
  std::vector<std::size_t> lengths;
  for (const auto i : usable) lengths.push_back(features[i].ids.size());
  return std::make_unique<IndexedBatchSource>(
      std::move(lengths), batch_size, seed,
      [&features, usable, max_span, pad_id, device](const std::vector<std::size_t>& picks, TrainBatch& batch) {
        std::vector<std::size_t> indices;
        for (const auto p : picks) indices.push_back(usable[p]);
        batch.inputs = collate_answers(features, indices, pad_id, device);
        const auto seq = batch.inputs.input_ids.size(1);
        auto gold = torch::zeros({static_cast<std::int64_t>(indices.size()), seq, max_span}, torch::kBool);
        auto ga = gold.accessor<bool, 3>();
        for (std::size_t r = 0; r < indices.size(); ++r) {
          for (const auto& [s, e] : features[indices[r]].gold) ga[static_cast<std::int64_t>(r)][s][e - s] = true;
        }
        batch.labels = gold.to(device);
        batch.targets = static_cast<std::int64_t>(indices.size());
        batch.tokens = batch.inputs.attention_mask.sum().item<std::int64_t>();
      });
}

torch::Tensor answer_span_loss(Model& model, const TrainBatch& batch) {
  TORCH_CHECK(model.architecture() == kBertForAnswerSpans, "answer generation needs a FrugalBertForAnswerSpans model");
  auto m = std::static_pointer_cast<BertForAnswerSpansImpl>(model.module());
  const auto& in = batch.inputs;
  const auto logits = m->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.allowed).to(torch::kFloat32);
  const auto flat = logits.reshape({logits.size(0), -1});
  const auto gold = batch.labels.reshape({logits.size(0), -1});
  const auto all = torch::logsumexp(flat, 1);
  const auto good = torch::logsumexp(flat.masked_fill(gold.logical_not(), -std::numeric_limits<float>::infinity()), 1);
  return (all - good).mean();
}

std::vector<std::vector<GeneratedAnswer>> sample_answers(Model& model, const std::vector<AnswerContext>& contexts,
                                                         const std::vector<AnswerFeature>& features,
                                                         const AnswerSamplingOptions& options) {
  auto m = std::static_pointer_cast<BertForAnswerSpansImpl>(model.module());
  const auto device = model.module()->parameters().front().device();
  const auto max_span = max_span_length_of(model);
  // Per context: character span -> best probability over the windows that contain it.
  std::vector<std::map<std::pair<std::int64_t, std::int64_t>, double>> spans(contexts.size());
  std::vector<std::size_t> lengths;
  for (const auto& f : features) lengths.push_back(f.ids.size());
  // One window per forward: its bits depend on the window alone (nn/fixed_shape_batches.h).
  const auto batches = plan_fixed_shape_batches(lengths, {}, 1, options.max_length);
  std::vector<torch::Tensor> batch_probs(batches.size());
  // Whether a code point offset of each context lies between words: WordPiece can start or end
  // a span inside a word ("er II" of "Roger II"), which is never an answer.
  std::vector<std::vector<bool>> at_word_edge(contexts.size());
  for (std::size_t c = 0; c < contexts.size(); ++c) at_word_edge[c] = answer_word_edges(contexts[c].context);
  run_invariant_batches(batches.size(), options.threads, device, [&](std::size_t b) {
    const auto in = collate_answers(features, batches[b].slots, model.pad_token_id(), device, batches[b].length);
    auto logits = m->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.allowed).to(torch::kCPU, torch::kFloat32);
    batch_probs[b] = torch::softmax(logits.reshape({logits.size(0), -1}) / options.temperature, 1).contiguous();
  });
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const auto& idx = batches[b].slots;
    const auto& probs = batch_probs[b];
    const auto per_row = probs.size(1);
    for (std::size_t r = 0; r < idx.size(); ++r) {
      const auto& f = features[idx[r]];
      const float* p = probs[static_cast<std::int64_t>(r)].data_ptr<float>();
      auto& table = spans[f.context];
      const auto seq = static_cast<std::int64_t>(f.ids.size());
      for (std::int64_t k = 0; k < per_row; ++k) {
        if (p[k] < 1e-6f) continue;  // the lowest-logit entries and the masked ones
        const auto s = k / max_span, e = s + k % max_span;
        if (e >= seq || f.context_begin[static_cast<std::size_t>(s)] < 0 || f.context_begin[static_cast<std::size_t>(e)] < 0) continue;
        const std::pair<std::int64_t, std::int64_t> key{f.context_begin[static_cast<std::size_t>(s)], f.context_end[static_cast<std::size_t>(e)]};
        const auto& edges = at_word_edge[f.context];
        if (!edges[static_cast<std::size_t>(key.first)] || !edges[static_cast<std::size_t>(key.second)]) continue;
        auto& v = table[key];
        v = std::max(v, static_cast<double>(p[k]));
      }
    }
    batch_probs[b] = torch::Tensor();
  }
  std::vector<std::vector<GeneratedAnswer>> out(contexts.size());
  for (std::size_t c = 0; c < contexts.size(); ++c) {
    std::vector<GeneratedAnswer> candidates;
    const CodePointIndex index(contexts[c].context);
    for (const auto& [key, p] : spans[c]) {
      std::string text(index.slice(contexts[c].context, static_cast<std::size_t>(key.first), static_cast<std::size_t>(key.second)));
      candidates.push_back({std::move(text), key.first, key.second, p});
    }
    Rng rng = Rng::for_item(options.seed, options.context_keys.empty() ? c : options.context_keys[c], 0);
    out[c] = pick_answers(std::move(candidates), options, rng);
  }
  return out;
}

AnswerRecall answer_recall(const std::vector<AnswerContext>& contexts, const std::vector<std::vector<GeneratedAnswer>>& answers) {
  AnswerRecall r;
  double f1_sum = 0, exact_sum = 0;
  for (std::size_t c = 0; c < contexts.size(); ++c) {
    if (contexts[c].answers.empty()) continue;
    double best = 0;
    std::size_t found = 0;
    for (const auto& gold : contexts[c].answers) {
      bool hit = false;
      for (const auto& g : answers[c]) {
        best = std::max(best, squad_f1(gold.text, g.text, SquadMetricVersion::V1_1));
        hit = hit || squad_exact(gold.text, g.text);
      }
      found += hit ? 1 : 0;
    }
    f1_sum += best;
    exact_sum += static_cast<double>(found) / static_cast<double>(contexts[c].answers.size());
    ++r.contexts;
  }
  if (r.contexts > 0) {
    r.best_f1 = f1_sum / static_cast<double>(r.contexts);
    r.exact_recall = exact_sum / static_cast<double>(r.contexts);
  }
  return r;
}

}  // namespace frugal
