#include "train/pretrain_torch.h"

#include <cmath>

#include "core/error.h"
#include "nn/bert_family_torch.h"
#include "nn/gpt2_family_torch.h"

namespace frugal {
namespace {

struct LossSum {
  torch::Tensor sum;
  std::int64_t count = 0;
  torch::Tensor logits, targets;  // for the held-out accuracy
};

LossSum masked_lm_sum(Model& model, const TrainBatch& batch) {
  TORCH_CHECK(model.architecture() == kBertForMaskedLM, "masked LM needs a BertForMaskedLM model");
  auto mlm = std::static_pointer_cast<BertForMaskedLMImpl>(model.module());
  const auto& in = batch.inputs;
  const auto hidden = mlm->bert(in.input_ids, in.token_type_ids, in.attention_mask);
  const auto where = batch.labels.reshape({-1}).ne(kIgnoreLabel).nonzero().squeeze(1);
  const auto selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, where);
  const auto targets = batch.labels.reshape({-1}).index_select(0, where);
  const auto logits = mlm->from_hidden(selected).to(torch::kFloat32);  // loss in fp32
  return {torch::nn::functional::cross_entropy(logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)),
          targets.size(0), logits, targets};
}

LossSum causal_lm_sum(Model& model, const TrainBatch& batch) {
  TORCH_CHECK(model.architecture() == kGpt2LMHeadModel, "causal LM needs a GPT2LMHeadModel model");
  auto lm = std::static_pointer_cast<Gpt2LMHeadModelImpl>(model.module());
  const auto& in = batch.inputs;
  Gpt2Inputs inputs{in.input_ids, {}, {}, in.attention_mask};
  const auto hidden = lm->transformer(inputs).narrow(1, 0, in.input_ids.size(1) - 1);
  const auto labels = batch.labels.narrow(1, 1, in.input_ids.size(1) - 1).reshape({-1});
  const auto where = labels.ne(kIgnoreLabel).nonzero().squeeze(1);
  const auto selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, where);
  const auto logits = lm->logits(selected).to(torch::kFloat32);
  const auto targets = labels.index_select(0, where);
  return {torch::nn::functional::cross_entropy(logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)),
          targets.size(0), logits, targets};
}

}  // namespace

MlmOptions mlm_options_for(const Tokenizer& tokenizer, double probability, bool per_word) {
  MlmOptions o;
  o.probability = probability;
  o.per_word = per_word;
  o.mask_id = -1;
  for (const char* name : {"[MASK]", "<mask>"}) {
    if (o.mask_id < 0) o.mask_id = tokenizer.token_to_id(name);
  }
  if (o.mask_id < 0) throw InputError("the tokenizer has no mask token ([MASK] or <mask>)");
  for (std::size_t id = 0; id < tokenizer.vocab_size(); ++id) {
    const auto i = static_cast<std::int32_t>(id);
    if (!tokenizer.added_vocabulary().is_special(i) && !tokenizer.id_to_token(i).empty()) o.replacement_ids.push_back(i);
  }
  return o;
}

nlohmann::json loader_state_to_json(const LoaderState& s) {
  return {{"epoch", s.epoch},         {"file", s.window_start.file},     {"offset", s.window_start.offset},
          {"line", s.window_start.line}, {"window_key", s.window_key}, {"batch_in_window", s.batch_in_window}};
}

LoaderState loader_state_from_json(const nlohmann::json& j) {
  LoaderState s;
  s.epoch = j.at("epoch").get<std::uint64_t>();
  s.window_start.file = j.at("file").get<std::size_t>();
  s.window_start.offset = j.at("offset").get<std::uint64_t>();
  s.window_start.line = j.at("line").get<std::uint64_t>();
  s.window_key = j.at("window_key").get<std::uint64_t>();
  s.batch_in_window = j.at("batch_in_window").get<std::uint64_t>();
  return s;
}

PretrainBatchSource::PretrainBatchSource(std::vector<std::string> files, const Tokenizer& tokenizer,
                                         PretrainSourceOptions options, torch::Device device)
    : loader_(std::move(files), tokenizer, options.data),
      options_(options),
      device_(device),
      masker_(options.mlm, options.data.seed) {
  start();
}

PretrainBatchSource::~PretrainBatchSource() { stop(); }

PretrainBatchSource::Item PretrainBatchSource::produce() {
  Item item;
  HostBatch host;
  if (!loader_.next(host)) {
    item.end_of_epoch = true;
    return item;
  }
  const auto n = static_cast<std::int64_t>(host.examples.size());
  std::size_t longest = 0, tokens = 0;
  for (const auto& e : host.examples) {
    longest = std::max(longest, e.ids.size());
    tokens += e.ids.size();
  }
  std::vector<std::int32_t> ids, labels;
  const bool mlm = options_.data.objective == PretrainObjective::kMaskedLM;
  if (mlm) {
    TokenBatch tb;
    tb.clear();
    std::vector<std::uint64_t> keys;
    for (const auto& e : host.examples) {
      tb.ids.insert(tb.ids.end(), e.ids.begin(), e.ids.end());
      tb.word_ids.insert(tb.word_ids.end(), e.word_ids.begin(), e.word_ids.end());
      tb.offsets.push_back(tb.ids.size());
      keys.push_back(e.key);
    }
    masker_.mask(tb, keys, host.epoch, ids, labels);
  }
  const auto s = static_cast<std::int64_t>(longest);
  auto input = torch::full({n, s}, options_.pad_id, torch::kLong);
  auto target = torch::full({n, s}, static_cast<std::int64_t>(kIgnoreLabel), torch::kLong);
  auto mask = torch::zeros({n, s}, torch::kLong);
  auto in_a = input.accessor<std::int64_t, 2>();
  auto tg_a = target.accessor<std::int64_t, 2>();
  auto mk_a = mask.accessor<std::int64_t, 2>();
  std::size_t flat = 0;
  std::int64_t targets = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& e = host.examples[static_cast<std::size_t>(i)];
    for (std::size_t t = 0; t < e.ids.size(); ++t, ++flat) {
      const auto col = static_cast<std::int64_t>(t);
      in_a[i][col] = mlm ? ids[flat] : e.ids[t];
      tg_a[i][col] = mlm ? labels[flat] : e.ids[t];
      mk_a[i][col] = 1;
      if (mlm && labels[flat] != kIgnoreLabel) ++targets;
    }
    if (!mlm) targets += static_cast<std::int64_t>(e.ids.size()) - 1;
  }
  item.batch.inputs.input_ids = input;
  item.batch.inputs.token_type_ids = torch::zeros_like(input);
  item.batch.inputs.attention_mask = mask;
  item.batch.labels = target;
  item.batch.targets = targets;
  item.batch.tokens = static_cast<std::int64_t>(tokens);
  item.batch.epoch = host.epoch;
  item.batch.after = loader_state_to_json(host.after);
  return item;
}

void PretrainBatchSource::start() {
  if (options_.prefetch == 0) return;
  stopping_ = false;
  worker_ = std::thread([this] {
    try {
      while (true) {
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [&] { return stopping_ || queue_.size() < options_.prefetch; });
          if (stopping_) return;
        }
        Item item = produce();
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(item));
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      changed_.notify_all();
    }
  });
}

void PretrainBatchSource::stop() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  worker_.join();
  queue_.clear();
}

bool PretrainBatchSource::next(TrainBatch& batch) {
  Item item;
  if (options_.prefetch == 0) {
    item = produce();
  } else {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty() || error_; });
    if (error_ && queue_.empty()) std::rethrow_exception(error_);
    item = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
  }
  if (item.end_of_epoch) return false;
  batch = std::move(item.batch);
  batch.inputs.input_ids = batch.inputs.input_ids.to(device_);
  batch.inputs.token_type_ids = batch.inputs.token_type_ids.to(device_);
  batch.inputs.attention_mask = batch.inputs.attention_mask.to(device_);
  batch.labels = batch.labels.to(device_);
  return true;
}

void PretrainBatchSource::restore(const nlohmann::json& state) {
  stop();
  loader_.restore(loader_state_from_json(state));
  start();
}

torch::Tensor masked_lm_loss(Model& model, const TrainBatch& batch) {
  const auto r = masked_lm_sum(model, batch);
  return r.sum / static_cast<double>(std::max<std::int64_t>(1, r.count));
}

torch::Tensor causal_lm_loss(Model& model, const TrainBatch& batch) {
  const auto r = causal_lm_sum(model, batch);
  return r.sum / static_cast<double>(std::max<std::int64_t>(1, r.count));
}

HeldOutSet::HeldOutSet(std::vector<std::string> files, const Tokenizer& tokenizer, PretrainSourceOptions options,
                       torch::Device device, std::size_t max_batches)
    : objective_(options.data.objective) {
  options.data.shuffle = false;
  options.prefetch = 0;
  PretrainBatchSource source(std::move(files), tokenizer, options, device);
  TrainBatch b;
  while ((max_batches == 0 || batches_.size() < max_batches) && source.next(b)) batches_.push_back(b);
  if (batches_.empty()) throw InputError("the held-out text gives no examples");
}

std::int64_t HeldOutSet::targets() const {
  std::int64_t n = 0;
  for (const auto& b : batches_) n += b.targets;
  return n;
}

nlohmann::json HeldOutSet::evaluate(Model& model) const {
  torch::NoGradGuard no_grad;
  double sum = 0;
  std::int64_t count = 0, correct = 0;
  for (const auto& b : batches_) {
    const auto r = objective_ == PretrainObjective::kMaskedLM ? masked_lm_sum(model, b) : causal_lm_sum(model, b);
    sum += r.sum.item<double>();
    count += r.count;
    correct += r.logits.argmax(-1).eq(r.targets).sum().item<std::int64_t>();
  }
  const auto n = static_cast<double>(std::max<std::int64_t>(1, count));
  const double loss = sum / n;
  // accuracy: the share of targets (masked tokens / next tokens) the model ranks first.
  return {{"loss", loss}, {"perplexity", std::exp(loss)}, {"accuracy", static_cast<double>(correct) / n}, {"targets", count}};
}

}  // namespace frugal
