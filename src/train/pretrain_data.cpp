#include "train/pretrain_data.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"

namespace frugal {
namespace {

std::int32_t first_known(const Tokenizer& t, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    const auto id = t.token_to_id(n);
    if (id >= 0) return id;
  }
  return -1;
}

}  // namespace

PretrainLoader::PretrainLoader(std::vector<std::string> files, const Tokenizer& tokenizer, PretrainDataOptions options)
    : reader_(std::move(files)), tokenizer_(tokenizer), options_(options) {
  if (options_.batch_size == 0 || options_.window_examples == 0) throw InputError("batch size and window must be positive");
  if (options_.objective == PretrainObjective::kMaskedLM) {
    if (options_.max_length < 3) throw InputError("--max-length must be at least 3 for masked LM");
    cls_ = first_known(tokenizer_, {"[CLS]", "<s>"});
    sep_ = first_known(tokenizer_, {"[SEP]", "</s>"});
    if (cls_ < 0 || sep_ < 0) throw InputError("the tokenizer has no [CLS]/[SEP] (or <s>/</s>) tokens for masked LM");
  } else {
    if (options_.max_length < 2) throw InputError("--max-length must be at least 2 for causal LM");
    eos_ = first_known(tokenizer_, {"<|endoftext|>", "</s>", "[SEP]"});
    if (eos_ < 0) throw InputError("the tokenizer has no end-of-text token (<|endoftext|>, </s> or [SEP])");
  }
}

void PretrainLoader::emit(std::vector<std::int32_t> ids, std::vector<std::int32_t> word_ids) {
  PretrainExample e;
  e.ids = std::move(ids);
  e.word_ids = std::move(word_ids);
  e.key = next_key_++;
  window_.push_back(std::move(e));
}

void PretrainLoader::flush_pending() {
  if (options_.objective == PretrainObjective::kMaskedLM) {
    if (pending_ids_.empty()) return;
    std::vector<std::int32_t> ids{cls_}, words{-1};
    ids.insert(ids.end(), pending_ids_.begin(), pending_ids_.end());
    words.insert(words.end(), pending_words_.begin(), pending_words_.end());
    ids.push_back(sep_);
    words.push_back(-1);
    emit(std::move(ids), std::move(words));
  } else if (pending_ids_.size() >= 2) {  // one token has nothing to predict
    emit(pending_ids_, {});
  }
  pending_ids_.clear();
  pending_words_.clear();
  pending_word_count_ = 0;
}

void PretrainLoader::add_line(const std::string& line) {
  const auto enc = tokenizer_.encode(line, /*add_special_tokens=*/false);
  if (enc.ids.empty()) return;
  if (options_.objective == PretrainObjective::kCausalLM) {
    pending_ids_.insert(pending_ids_.end(), enc.ids.begin(), enc.ids.end());
    const auto newline = tokenizer_.encode("\n", false);
    pending_ids_.insert(pending_ids_.end(), newline.ids.begin(), newline.ids.end());
    while (pending_ids_.size() >= options_.max_length) {
      emit(std::vector<std::int32_t>(pending_ids_.begin(), pending_ids_.begin() + static_cast<std::ptrdiff_t>(options_.max_length)), {});
      pending_ids_.erase(pending_ids_.begin(), pending_ids_.begin() + static_cast<std::ptrdiff_t>(options_.max_length));
    }
    return;
  }
  const std::size_t budget = options_.max_length - 2;
  if (!pending_ids_.empty() && pending_ids_.size() + enc.ids.size() > budget) flush_pending();
  // Lines longer than the budget are cut, at a word start where one exists.
  std::size_t start = 0;
  while (start < enc.ids.size()) {
    std::size_t end = std::min(enc.ids.size(), start + budget - pending_ids_.size());
    if (end < enc.ids.size()) {
      std::size_t cut = end;
      while (cut > start + 1 && enc.word_ids[cut] >= 0 && enc.word_ids[cut] == enc.word_ids[cut - 1]) --cut;
      if (cut > start + 1) end = cut;
    }
    std::int32_t previous_word = -2;
    for (auto t = start; t < end; ++t) {
      pending_ids_.push_back(enc.ids[t]);
      const auto w = enc.word_ids[t];
      if (w < 0) {
        pending_words_.push_back(-1);
      } else {
        if (w != previous_word) ++pending_word_count_;
        previous_word = w;
        pending_words_.push_back(pending_word_count_ - 1);
      }
    }
    start = end;
    if (start < enc.ids.size()) flush_pending();
  }
}

bool PretrainLoader::fill_window() {
  window_.clear();
  batches_.clear();
  state_.window_start = reader_.position();
  state_.window_key = next_key_;
  std::string line;
  while (window_.size() < options_.window_examples && reader_.next(line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) {  // document boundary
      if (options_.objective == PretrainObjective::kMaskedLM) {
        flush_pending();
      } else if (!pending_ids_.empty() && pending_ids_.back() != eos_) {
        pending_ids_.push_back(eos_);
      }
      continue;
    }
    add_line(line);
  }
  flush_pending();
  if (window_.empty()) return false;
  std::vector<std::size_t> order(window_.size());
  std::iota(order.begin(), order.end(), 0);
  if (options_.shuffle) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return window_[a].ids.size() < window_[b].ids.size(); });
  }
  for (std::size_t i = 0; i < order.size(); i += options_.batch_size) {
    batches_.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                          order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + options_.batch_size)));
  }
  if (options_.shuffle) {
    Rng rng = Rng::for_item(options_.seed, state_.window_key, state_.epoch);
    rng.shuffle(batches_.begin(), batches_.end());
  }
  return true;
}

bool PretrainLoader::next(HostBatch& out) {
  while (true) {
    if (!window_loaded_) {
      if (!fill_window()) {
        ++state_.epoch;
        reader_.rewind();
        next_key_ = 0;
        state_.window_start = CorpusPosition{};
        state_.window_key = 0;
        state_.batch_in_window = 0;
        pending_ids_.clear();
        pending_words_.clear();
        pending_word_count_ = 0;
        return false;
      }
      window_loaded_ = true;
    }
    if (state_.batch_in_window < batches_.size()) break;
    state_.batch_in_window = 0;
    window_loaded_ = false;
  }
  out.examples.clear();
  for (const auto i : batches_[state_.batch_in_window]) out.examples.push_back(window_[i]);
  out.epoch = state_.epoch;
  ++state_.batch_in_window;
  out.after = state_;
  return true;
}

void PretrainLoader::restore(const LoaderState& s) {
  state_ = s;
  reader_.seek(s.window_start);
  next_key_ = s.window_key;
  pending_ids_.clear();
  pending_words_.clear();
  pending_word_count_ = 0;
  window_loaded_ = false;
}

}  // namespace frugal
