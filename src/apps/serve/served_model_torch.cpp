#include "apps/serve/served_model_torch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/rng.h"
#include "nn/bert_family_torch.h"
#include "nn/bert_heads_torch.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/fixed_shape_batches.h"
#include "nn/linear_torch.h"
#include "nn/precision_torch.h"
#include "tasks/classify/classify_model_torch.h"
#include "tasks/classify/text_examples.h"
#include "tasks/qa/qa_model_torch.h"
#include "text/tokenizer_loader.h"
#include "train/indexed_batches_torch.h"

namespace frugal::serve {

ServeTask parse_serve_task(const std::string& name) {
  if (name == "qa") return ServeTask::kQa;
  if (name == "classify") return ServeTask::kClassify;
  throw InputError("--task " + name + ": expected qa or classify");
}

const char* serve_task_name(ServeTask task) { return task == ServeTask::kQa ? "qa" : "classify"; }

TokenizerPool::TokenizerPool(const std::string& path, std::size_t copies) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, copies); ++i) {
    all_.push_back(std::make_unique<Tokenizer>(load_tokenizer(path)));
    free_.push_back(all_.back().get());
  }
}

TokenizerPool::Lease::~Lease() {
  if (tokenizer_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(pool_->mutex_);
    pool_->free_.push_back(tokenizer_);
  }
  pool_->released_.notify_one();
}

TokenizerPool::Lease TokenizerPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait(lock, [this] { return !free_.empty(); });
  auto* t = free_.back();
  free_.pop_back();
  return Lease(*this, t);
}

ServedModel::ServedModel(const ServedModelOptions& options) : options_(options) {
  const auto device = parse_device(options.device);
  model_ = std::make_unique<Model>(Model::load(options.dir, device));
  const auto config_path = options.dir + "/config.json";
  if (options.task == ServeTask::kQa) {
    if (model_->architecture() != kBertForQuestionAnswering) {
      throw InputError(InputLocation{config_path}, "is a " + model_->architecture() + ", not a BertForQuestionAnswering (--task qa)");
    }
    max_length_ = options.max_length > 0 ? options.max_length : static_cast<std::size_t>(std::min<std::int64_t>(384, model_->max_positions()));
    lexical_match_types_ = lexical_match_types_of(*model_);
  } else {
    labels_ = LabelSet::from_config(parse_config_json(model_->config_json(), config_path), config_path).names();
    max_length_ = classify_max_length(options.max_length, *model_);
  }
  model_->check_length(max_length_);
  quantized_layers_ = to_precision(*model_, device, parse_precision(options.precision));
  model_->module()->eval();
  fixed_shape_ = options.task == ServeTask::kQa || model_->family_model().invariant_batch_size(2) > 1;
  tokenizers_ = std::make_unique<TokenizerPool>(options.tokenizer, options.tokenizers);
}

std::size_t ServedModel::padded_length(std::size_t tokens) const {
  return fixed_shape_ ? bucket_length(tokens, max_length_) : tokens;
}

std::size_t ServedModel::batch_rows(std::size_t wanted) const { return fixed_shape_ ? std::max<std::size_t>(1, wanted) : 1; }

std::vector<std::vector<float>> ServedModel::forward(const std::vector<const BatchRow*>& rows, std::size_t length) {
  torch::NoGradGuard no_grad;
  SequenceWiseProducts sequence_wise;
  const auto device = model_->module()->parameters().front().device();
  std::vector<const std::vector<std::int32_t>*> ids, types, match;
  for (const auto* r : rows) {
    ids.push_back(&r->ids);
    types.push_back(&r->type_ids);
    match.push_back(&r->lexical_match);
  }
  auto in = collate_rows(ids, types, model_->pad_token_id(), device, length);
  if (options_.task == ServeTask::kQa) in.lexical_match = pad_rows(match, 0, static_cast<std::size_t>(in.input_ids.size(1))).to(device);
  std::vector<std::vector<float>> out(rows.size());
  if (options_.task == ServeTask::kQa) {
    // As predict_answers (tasks/qa/qa_model_torch.cpp): the head's logits, each row's own tokens, in fp32.
    auto qa = std::static_pointer_cast<BertForQuestionAnsweringImpl>(model_->module());
    const auto logits = qa->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.lexical_match);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto len = static_cast<std::int64_t>(rows[r]->ids.size());
      const auto i = static_cast<std::int64_t>(r);
      const auto s = logits.start[i].narrow(0, 0, len).to(torch::kCPU, torch::kFloat32).contiguous();
      const auto e = logits.end[i].narrow(0, 0, len).to(torch::kCPU, torch::kFloat32).contiguous();
      out[r].assign(s.data_ptr<float>(), s.data_ptr<float>() + len);
      out[r].insert(out[r].end(), e.data_ptr<float>(), e.data_ptr<float>() + len);
    }
    return out;
  }
  torch::Tensor logits;
  for (auto& [name, tensor] : model_->forward(in)) {
    if (name == "logits") logits = tensor.to(torch::kCPU, torch::kFloat32).contiguous();
  }
  if (!logits.defined()) throw std::runtime_error(model_->architecture() + " has no logits output");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto* p = logits[static_cast<std::int64_t>(r)].data_ptr<float>();
    out[r].assign(p, p + logits.size(1));
  }
  return out;
}

bool ServedModel::batch_invariant(std::string* detail) {
  if (batch_rows(2) == 1) return true;  // every row runs alone
  // Three rows of different lengths in one bucket, random ids (no special tokens needed: the
  // question is the arithmetic, not the answer).
  Rng rng(20261202);
  const auto vocab = static_cast<std::uint64_t>(model_->family_model().vocab_size());
  std::vector<BatchRow> rows;
  for (const std::size_t n : {std::size_t{9}, std::size_t{16}, std::size_t{12}}) {
    BatchRow r;
    for (std::size_t t = 0; t < n; ++t) {
      r.ids.push_back(static_cast<std::int32_t>(rng.uniform(vocab)));
      r.type_ids.push_back(t < n / 2 ? 0 : 1 % static_cast<std::int32_t>(model_->family_model().type_vocab_size()));
    }
    r.length = padded_length(16);
    rows.push_back(std::move(r));
  }
  std::vector<const BatchRow*> all;
  for (const auto& r : rows) all.push_back(&r);
  const auto together = forward(all, rows.front().length);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto alone = forward({&rows[i]}, rows[i].length);
    if (alone[0].size() != together[i].size() ||
        std::memcmp(alone[0].data(), together[i].data(), alone[0].size() * sizeof(float)) != 0) {
      if (detail != nullptr) *detail = fmt::format("row {} of 3 differs batched and alone", i);
      return false;
    }
  }
  return true;
}

}  // namespace frugal::serve
