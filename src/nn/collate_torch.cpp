#include "nn/collate_torch.h"

#include <algorithm>

namespace frugal {

ModelBatch collate(const std::vector<TokenRecord>& records, std::size_t begin, std::size_t end, std::int64_t pad_id,
                   torch::Device device) {
  std::size_t longest = 0;
  for (auto i = begin; i < end; ++i) longest = std::max(longest, records[i].input_ids.size());
  const auto n = static_cast<std::int64_t>(end - begin), s = static_cast<std::int64_t>(longest);
  auto ids = torch::full({n, s}, pad_id, torch::kLong);
  auto types = torch::zeros({n, s}, torch::kLong);
  auto mask = torch::zeros({n, s}, torch::kLong);
  auto ids_a = ids.accessor<std::int64_t, 2>();
  auto types_a = types.accessor<std::int64_t, 2>();
  auto mask_a = mask.accessor<std::int64_t, 2>();
  for (auto i = begin; i < end; ++i) {
    const auto& r = records[i];
    const auto row = static_cast<std::int64_t>(i - begin);
    for (std::size_t t = 0; t < r.input_ids.size(); ++t) {
      const auto col = static_cast<std::int64_t>(t);
      ids_a[row][col] = r.input_ids[t];
      types_a[row][col] = r.token_type_ids.empty() ? 0 : r.token_type_ids[t];
      mask_a[row][col] = r.attention_mask.empty() ? 1 : r.attention_mask[t];
    }
  }
  ModelBatch b;
  b.input_ids = ids.to(device);
  bool any_types = false;
  for (auto i = begin; i < end; ++i) any_types = any_types || !records[i].token_type_ids.empty();
  if (any_types) b.token_type_ids = types.to(device);  // undefined: GPT-2 then adds no type embedding, as HF
  b.attention_mask = mask.to(device);
  return b;
}

}  // namespace frugal
