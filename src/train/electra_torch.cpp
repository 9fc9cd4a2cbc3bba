#include "train/electra_torch.h"

#include "nn/electra_family_torch.h"

namespace frugal {

torch::Tensor sample_rows(const torch::Tensor& logits) {
  torch::NoGradGuard no_grad;
  const auto cdf = torch::softmax(logits.to(torch::kFloat32), -1).cumsum(-1);
  // Scaled by each row's total, which rounding leaves a little off 1, so that u stays inside the CDF.
  const auto u = torch::rand({logits.size(0), 1}, cdf.options()) * cdf.narrow(-1, cdf.size(-1) - 1, 1);
  return torch::searchsorted(cdf, u, /*out_int32=*/false, /*right=*/true).squeeze(-1).clamp_max(logits.size(-1) - 1);
}

ElectraLoss electra_loss(Model& electra, const TrainBatch& batch, double discriminator_weight) {
  auto& parts = electra_parts(electra);
  const auto& in = batch.inputs;
  const auto labels = batch.labels.reshape({-1});
  const auto where = labels.ne(kIgnoreLabel).nonzero().squeeze(1);
  const auto targets = labels.index_select(0, where);
  ElectraLoss out;
  out.masked = targets.size(0);
  const auto gen_logits = parts.generator_logits(in, where).to(torch::kFloat32);
  out.generator = out.masked > 0 ? torch::nn::functional::cross_entropy(gen_logits, targets) : gen_logits.sum() * 0.0;

  ModelBatch corrupted = in;
  torch::Tensor replaced;
  {
    torch::NoGradGuard no_grad;
    const auto sampled = sample_rows(gen_logits.detach());
    auto ids = in.input_ids.reshape({-1}).clone();
    auto original = ids.clone();
    original.index_put_({where}, targets);
    ids.index_put_({where}, sampled);
    corrupted.input_ids = ids.view_as(in.input_ids);
    replaced = ids.ne(original).view_as(in.input_ids);
  }
  const auto real = in.attention_mask.to(torch::kBool);
  out.tokens = real.sum().item<std::int64_t>();
  const auto disc_logits = parts.discriminator_logits(corrupted).to(torch::kFloat32);
  const auto logits_real = disc_logits.masked_select(real);
  const auto replaced_real = replaced.masked_select(real);
  out.discriminator = torch::nn::functional::binary_cross_entropy_with_logits(logits_real, replaced_real.to(torch::kFloat32));
  out.total = out.generator + discriminator_weight * out.discriminator;
  {
    torch::NoGradGuard no_grad;
    out.generator_correct = gen_logits.argmax(-1).eq(targets).sum();
    out.discriminator_correct = logits_real.gt(0).eq(replaced_real).sum();
    out.replaced = replaced_real.sum();
  }
  return out;
}

nlohmann::json evaluate_electra(Model& electra, const HeldOutSet& held_out, double discriminator_weight, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  double gen_sum = 0, disc_sum = 0;
  std::int64_t masked = 0, tokens = 0, gen_correct = 0, disc_correct = 0, replaced = 0;
  std::uint64_t i = 0;
  for (const auto& b : held_out.batches()) {
    torch::manual_seed(seed + i++);
    const auto r = electra_loss(electra, b, discriminator_weight);
    gen_sum += r.generator.item<double>() * static_cast<double>(r.masked);
    disc_sum += r.discriminator.item<double>() * static_cast<double>(r.tokens);
    masked += r.masked;
    tokens += r.tokens;
    gen_correct += r.generator_correct.item<std::int64_t>();
    disc_correct += r.discriminator_correct.item<std::int64_t>();
    replaced += r.replaced.item<std::int64_t>();
  }
  const auto m = static_cast<double>(std::max<std::int64_t>(1, masked)), t = static_cast<double>(std::max<std::int64_t>(1, tokens));
  const double gen_loss = gen_sum / m, disc_loss = disc_sum / t;
  return {{"loss", gen_loss + discriminator_weight * disc_loss},
          {"generator_loss", gen_loss},
          {"generator_accuracy", static_cast<double>(gen_correct) / m},
          {"discriminator_loss", disc_loss},
          {"discriminator_accuracy", static_cast<double>(disc_correct) / t},
          {"replaced_fraction", static_cast<double>(replaced) / t},
          {"targets", masked},
          {"tokens", tokens}};
}

}  // namespace frugal
