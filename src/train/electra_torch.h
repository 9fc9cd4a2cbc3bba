#pragma once
// ELECTRA's replaced-token-detection objective (Clark et al. 2020) on masked-LM batches
// (train/pretrain_torch.h's PretrainBatchSource): the generator's masked-LM loss at the masked
// positions, plus `discriminator_weight` (the paper's lambda, 50) times the discriminator's
// binary cross-entropy over every real token of the corrupted input, where each masked
// position holds a token sampled from the generator (softmax, temperature 1). A sample equal
// to the original token counts as original, as in the paper.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "train/pretrain_torch.h"
#include "train/trainer_torch.h"

namespace frugal {

struct ElectraLoss {
  torch::Tensor total, generator, discriminator;  // means; total = generator + weight * discriminator
  std::int64_t masked = 0, tokens = 0;            // generator targets, discriminator targets
  torch::Tensor generator_correct, discriminator_correct, replaced;  // counts (long scalars)
};

// One draw per row of `logits` from softmax(logits) (temperature 1), by inverse transform: one
// uniform number per row, placed in the row's cumulative distribution (fp32, so a token is resolved
// to ~1e-7 of its row's mass). Gumbel-max draws from the same distribution but needs a random
// number and two logarithms per vocabulary entry: over a batch's masked positions x 8,000 tokens
// that cost more than the rest of the generator (docs/benchmarks.md).
torch::Tensor sample_rows(const torch::Tensor& logits);

// Draws the generator's samples from torch's current generator (the trainer seeds it per
// micro-batch, so a resumed or repeated run draws the same tokens).
ElectraLoss electra_loss(Model& electra, const TrainBatch& batch, double discriminator_weight);

// Held-out evaluation of an ELECTRA model: generator masked-token loss and accuracy,
// discriminator loss and accuracy (replaced or original, at logit 0), the share of replaced
// tokens, and loss = generator + weight * discriminator. Batch i draws its samples from seed + i.
nlohmann::json evaluate_electra(Model& electra, const HeldOutSet& held_out, double discriminator_weight, std::uint64_t seed);

}  // namespace frugal
