#include "train/indexed_batches_torch.h"

#include <algorithm>
#include <numeric>

#include "core/rng.h"

namespace frugal {

IndexedBatchSource::IndexedBatchSource(std::vector<std::size_t> lengths, std::size_t batch_size, std::uint64_t seed,
                                       Collate collate)
    : lengths_(std::move(lengths)), batch_size_(std::max<std::size_t>(1, batch_size)), seed_(seed), collate_(std::move(collate)) {
  plan();
}

void IndexedBatchSource::plan() {
  std::vector<std::size_t> order(lengths_.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng = Rng::for_item(seed_, 0, epoch_);
  rng.shuffle(order.begin(), order.end());
  const std::size_t chunk = batch_size_ * 50;
  batches_.clear();
  for (std::size_t c = 0; c < order.size(); c += chunk) {
    const auto begin = order.begin() + static_cast<std::ptrdiff_t>(c);
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), c + chunk));
    std::stable_sort(begin, end, [&](std::size_t a, std::size_t b) { return lengths_[a] < lengths_[b]; });
    for (auto it = begin; it < end;) {
      const auto n = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(batch_size_), end - it);
      batches_.emplace_back(it, it + n);
      it += n;
    }
  }
  Rng batch_rng = Rng::for_item(seed_, 1, epoch_);
  batch_rng.shuffle(batches_.begin(), batches_.end());
}

bool IndexedBatchSource::next(TrainBatch& batch) {
  if (next_ >= batches_.size()) {
    ++epoch_;
    next_ = 0;
    plan();
    return false;
  }
  batch = TrainBatch{};
  batch.epoch = epoch_;  // before collate: augmentations draw from it
  collate_(batches_[next_++], batch);
  batch.after = {{"epoch", epoch_}, {"next", next_}};
  return true;
}

void IndexedBatchSource::restore(const nlohmann::json& state) {
  epoch_ = state.at("epoch").get<std::uint64_t>();
  next_ = state.at("next").get<std::size_t>();
  plan();
}

torch::Tensor pad_rows(const std::vector<const std::vector<std::int32_t>*>& rows, std::int64_t pad, std::size_t length) {
  std::size_t longest = length;
  for (const auto* r : rows) longest = std::max(longest, r->size());
  auto out = torch::full({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(longest)}, pad, torch::kLong);
  auto a = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t t = 0; t < rows[i]->size(); ++t) a[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(t)] = (*rows[i])[t];
  }
  return out;
}

ModelBatch collate_rows(const std::vector<const std::vector<std::int32_t>*>& ids,
                        const std::vector<const std::vector<std::int32_t>*>& types, std::int64_t pad_id, torch::Device device,
                        std::size_t length) {
  const auto input = pad_rows(ids, pad_id, length);
  auto mask = torch::zeros(input.sizes(), torch::kLong);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    mask[static_cast<std::int64_t>(r)].narrow(0, 0, static_cast<std::int64_t>(ids[r]->size())).fill_(1);
  }
  return ModelBatch{input.to(device), pad_rows(types, 0, length).to(device), mask.to(device), {}, {}};
}

}  // namespace frugal
