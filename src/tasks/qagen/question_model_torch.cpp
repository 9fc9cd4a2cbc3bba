#include "tasks/qagen/question_model_torch.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "augment/whole_word_mask.h"
#include "core/rng.h"
#include "nn/fixed_shape_batches.h"
#include "nn/invariant_inference_torch.h"
#include "nn/gpt2_family_torch.h"

namespace frugal {

std::unique_ptr<IndexedBatchSource> question_batch_source(const std::vector<QuestionFeature>& features, std::size_t batch_size,
                                                          std::uint64_t seed, std::int64_t pad_id, torch::Device device) {
  std::vector<std::size_t> lengths;
  for (const auto& f : features) lengths.push_back(f.ids.size());
  return std::make_unique<IndexedBatchSource>(
      std::move(lengths), batch_size, seed, [&features, pad_id, device](const std::vector<std::size_t>& indices, TrainBatch& batch) {
        std::vector<const std::vector<std::int32_t>*> ids, types;
        for (const auto i : indices) {
          ids.push_back(&features[i].ids);
          types.push_back(&features[i].types);
        }
        auto input = pad_rows(ids, pad_id);
        auto labels = torch::full(input.sizes(), static_cast<std::int64_t>(kIgnoreLabel), torch::kLong);
        auto mask = torch::zeros(input.sizes(), torch::kLong);
        auto la = labels.accessor<std::int64_t, 2>();
        auto ma = mask.accessor<std::int64_t, 2>();
        std::int64_t targets = 0;
        for (std::size_t r = 0; r < indices.size(); ++r) {
          const auto& f = features[indices[r]];
          for (std::size_t t = 0; t < f.ids.size(); ++t) {
            ma[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(t)] = 1;
            if (t >= f.question_start) {
              la[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(t)] = f.ids[t];
              ++targets;
            }
          }
        }
        batch.inputs.input_ids = input.to(device);
        batch.inputs.token_type_ids = pad_rows(types, 0).to(device);
        batch.inputs.attention_mask = mask.to(device);
        batch.labels = labels.to(device);
        batch.targets = targets;
        batch.tokens = mask.sum().item<std::int64_t>();
      });
}

torch::Tensor question_lm_loss(Model& model, const TrainBatch& batch) {
  TORCH_CHECK(model.architecture() == kGpt2LMHeadModel, "question generation needs a GPT2LMHeadModel");
  auto lm = std::static_pointer_cast<Gpt2LMHeadModelImpl>(model.module());
  const auto& in = batch.inputs;
  const auto n = in.input_ids.size(1);
  const auto hidden = lm->transformer(Gpt2Inputs{in.input_ids, in.token_type_ids, {}, in.attention_mask}).narrow(1, 0, n - 1);
  const auto labels = batch.labels.narrow(1, 1, n - 1).reshape({-1});
  const auto where = labels.ne(kIgnoreLabel).nonzero().squeeze(1);
  const auto logits = lm->logits(hidden.reshape({-1, hidden.size(-1)}).index_select(0, where)).to(torch::kFloat32);
  return torch::nn::functional::cross_entropy(logits, labels.index_select(0, where));
}

namespace {

// Samples one id from logits (CPU floats) with temperature / top-k / top-p; returns the id
// and its log-probability under the untempered distribution.
// `copy` holds the copy-prior token ids (sorted, unique); they get o.copy_bonus before sampling.
std::pair<std::int32_t, double> sample_token(const float* model_logits, std::int64_t vocab, const QuestionSamplingOptions& o,
                                             const std::vector<std::int32_t>& copy, Rng& rng) {
  const float model_top = *std::max_element(model_logits, model_logits + vocab);
  double z = 0;
  for (std::int64_t i = 0; i < vocab; ++i) z += std::exp(static_cast<double>(model_logits[i] - model_top));
  const double log_z = std::log(z) + model_top;
  std::vector<float> biased;
  const float* logits = model_logits;
  if (o.copy_bonus != 0 && !copy.empty()) {
    biased.assign(model_logits, model_logits + vocab);
    for (const auto id : copy) biased[static_cast<std::size_t>(id)] += static_cast<float>(o.copy_bonus);
    logits = biased.data();
  }
  const float top = *std::max_element(logits, logits + vocab);
  std::int32_t pick = 0;
  if (o.temperature <= 0) {
    pick = static_cast<std::int32_t>(std::max_element(logits, logits + vocab) - logits);
  } else {
    std::vector<std::int32_t> ids(static_cast<std::size_t>(vocab));
    std::iota(ids.begin(), ids.end(), 0);
    std::size_t keep = ids.size();
    if (o.top_k > 0 && o.top_k < keep) keep = o.top_k;
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), ids.end(),
                      [&](std::int32_t a, std::int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
    std::vector<double> p(keep);
    double mass = 0;
    for (std::size_t i = 0; i < keep; ++i) mass += p[i] = std::exp((logits[ids[i]] - top) / o.temperature);
    double cumulative = 0;
    for (std::size_t i = 0; i < keep; ++i) {
      cumulative += p[i];
      if (cumulative >= o.top_p * mass) {
        keep = i + 1;
        break;
      }
    }
    double total = 0;
    for (std::size_t i = 0; i < keep; ++i) total += p[i];
    double u = rng.uniform01() * total;
    std::size_t i = 0;
    for (; i + 1 < keep && u >= p[i]; ++i) u -= p[i];
    pick = ids[i];
  }
  return {pick, static_cast<double>(model_logits[pick]) - log_z};
}

}  // namespace

std::vector<std::vector<GeneratedQuestion>> generate_questions(Model& model, const Tokenizer& tokenizer,
                                                               const QuestionTokens& special,
                                                               const std::vector<QuestionFeature>& prompts,
                                                               const QuestionSamplingOptions& options) {
  TORCH_CHECK(model.architecture() == kGpt2LMHeadModel, "question generation needs a GPT2LMHeadModel");
  auto lm = std::static_pointer_cast<Gpt2LMHeadModelImpl>(model.module());
  const auto device = model.module()->parameters().front().device();
  const auto dtype = model.module()->parameters().front().scalar_type();
  const auto& config = gpt2_config_of(model);
  std::vector<std::vector<GeneratedQuestion>> out(prompts.size(), std::vector<GeneratedQuestion>(options.per_answer));
  // Rows: (prompt, sample), grouped by prompt length bucket.
  std::vector<std::pair<std::size_t, std::size_t>> rows;
  for (std::size_t p = 0; p < prompts.size(); ++p) {
    if (prompts[p].ids.empty()) continue;
    for (std::size_t j = 0; j < options.per_answer; ++j) rows.push_back({p, j});
  }
  // Fixed shapes and a slot chosen by the row's own key: a row's logits do not depend on its
  // batchmates (nn/fixed_shape_batches.h).
  const auto row_key = [&](std::size_t prompt, std::size_t sample) -> std::uint64_t {
    const std::uint64_t key = options.prompt_keys.empty() ? prompt : options.prompt_keys[prompt];
    return key * options.per_answer + sample;
  };
  std::vector<std::size_t> lengths, lanes;
  for (const auto& [prompt, sample] : rows) {
    lengths.push_back(prompts[prompt].ids.size());
    lanes.push_back(lane_of(row_key(prompt, sample), options.batch_size));
  }
  const auto batches = plan_fixed_shape_batches(lengths, lanes, options.batch_size, static_cast<std::size_t>(config.n_positions));
  const auto long_options = torch::TensorOptions().dtype(torch::kLong);
  run_invariant_batches(batches.size(), options.threads, device, [&](std::size_t batch_index) {
    const auto& plan = batches[batch_index];
    const auto members = slot_rows(plan);  // rows[members[i]]; empty slots repeat a real row
    const auto b = static_cast<std::int64_t>(members.size());
    const auto longest = static_cast<std::int64_t>(plan.length);
    const auto max_new = static_cast<std::int64_t>(options.max_new_tokens);
    const auto capacity = std::min<std::int64_t>(longest + max_new, config.n_positions);
    auto ids = torch::zeros({b, longest}, long_options);
    auto types = torch::zeros({b, longest}, long_options);
    auto mask = torch::zeros({b, longest}, long_options);
    auto next_position = torch::zeros({b, 1}, long_options);
    for (std::int64_t i = 0; i < b; ++i) {
      const auto& f = prompts[rows[members[static_cast<std::size_t>(i)]].first];
      const auto pad = longest - static_cast<std::int64_t>(f.ids.size());
      for (std::size_t t = 0; t < f.ids.size(); ++t) {
        ids[i][pad + static_cast<std::int64_t>(t)] = f.ids[t];
        types[i][pad + static_cast<std::int64_t>(t)] = f.types[t];
        mask[i][pad + static_cast<std::int64_t>(t)] = 1;
      }
      next_position[i][0] = static_cast<std::int64_t>(f.ids.size());
    }
    auto positions = (mask.cumsum(1) - 1).clamp_min(0);
    std::vector<std::vector<std::int32_t>> copy(static_cast<std::size_t>(b));
    if (options.copy_bonus != 0) {
      for (std::size_t i = 0; i < members.size(); ++i) copy[i] = question_copy_tokens(prompts[rows[members[i]].first], special.sep, options.copy_window);
    }
    std::vector<std::vector<std::int32_t>> generated(static_cast<std::size_t>(b));
    std::vector<double> log_probs(static_cast<std::size_t>(b), 0.0);
    std::vector<bool> done(static_cast<std::size_t>(b), false);
    for (std::size_t i = 0; i < members.size(); ++i) done[i] = plan.slots[i] == kEmptySlot;  // fillers generate nothing
    KVCache cache;
    if (options.use_cache) cache = KVCache(config, b, capacity, torch::TensorOptions().dtype(dtype).device(device));
    torch::Tensor all_ids = ids, all_types = types, all_positions = positions, all_mask = mask;
    // Only the last position's logits are sampled: the vocabulary projection of the whole
    // prompt (batch x length x vocab floats) would cost more than the rest of generation.
    const auto last_logits = [&](const Gpt2Inputs& inputs, KVCache* kv) {
      const auto hidden = lm->transformer(inputs, kv);
      return lm->logits(hidden.narrow(1, hidden.size(1) - 1, 1)).select(1, 0);
    };
    auto logits = last_logits(Gpt2Inputs{ids.to(device), types.to(device), positions.to(device), mask.to(device)},
                              options.use_cache ? &cache : nullptr);
    for (std::int64_t step = 0; step < max_new && longest + step < capacity; ++step) {
      const auto host = logits.to(torch::kCPU, torch::kFloat32).contiguous();
      auto next = torch::zeros({b, 1}, long_options);
      bool all_done = true;
      for (std::int64_t i = 0; i < b; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (done[ui]) continue;
        const auto [prompt, sample] = rows[members[ui]];
        Rng rng = Rng::for_item(options.seed, row_key(prompt, sample), static_cast<std::uint64_t>(step));
        const auto [id, lp] = sample_token(host[i].data_ptr<float>(), host.size(1), options, copy[ui], rng);
        next[i][0] = id;
        log_probs[ui] += lp;
        if (id == special.eos) {
          done[ui] = true;
        } else {
          generated[ui].push_back(id);
          all_done = false;
        }
      }
      if (all_done) break;
      const auto new_types = torch::full({b, 1}, static_cast<std::int64_t>(kQuestionType), long_options);
      all_mask = torch::cat({all_mask, torch::ones({b, 1}, long_options)}, 1);
      if (options.use_cache) {
        logits = last_logits(Gpt2Inputs{next.to(device), new_types.to(device), next_position.to(device), all_mask.to(device)}, &cache);
      } else {
        all_ids = torch::cat({all_ids, next}, 1);
        all_types = torch::cat({all_types, new_types}, 1);
        all_positions = torch::cat({all_positions, next_position}, 1);
        logits = last_logits(Gpt2Inputs{all_ids.to(device), all_types.to(device), all_positions.to(device), all_mask.to(device)}, nullptr);
      }
      next_position += 1;
    }
    for (std::size_t ui = 0; ui < members.size(); ++ui) {
      if (plan.slots[ui] == kEmptySlot) continue;
      const auto [prompt, sample] = rows[members[ui]];
      auto& q = out[prompt][sample];
      q.text = tokenizer.decode(generated[ui], true);
      q.log_probability = log_probs[ui];
      q.finished = done[ui];
    }
  });
  return out;
}

}  // namespace frugal
