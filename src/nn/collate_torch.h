#pragma once
// Token records -> one padded batch of tensors (dynamic padding to the longest record).
#include <torch/types.h>

#include <cstddef>
#include <vector>

#include "data/token_records.h"
#include "nn/model_dir_torch.h"

namespace frugal {

// Records [begin, end) padded with pad_id; attention_mask is 0 on padding (and where the
// record's own mask says so); token types default to 0 when
// some record has them; with none, token_type_ids stays undefined.
ModelBatch collate(const std::vector<TokenRecord>& records, std::size_t begin, std::size_t end, std::int64_t pad_id,
                   torch::Device device);

}  // namespace frugal
