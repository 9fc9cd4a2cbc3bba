#pragma once
// ELECTRA pretraining (Clark et al. 2020) as a model family (model_type "frugal_electra",
// FrugalElectraForPreTraining): a small masked-LM generator and a discriminator that detects
// which tokens the generator replaced. The discriminator is a BERT (BertModel, HF names under
// "discriminator."), so what pretraining leaves is a BERT checkpoint (electra_discriminator);
// the generator shares its token, position and type embeddings (the paper's embedding sharing),
// projects them to its own width when narrower, and ties its output layer to the word embeddings.
// config.json:
//   discriminator  a BERT config (hidden_size, num_hidden_layers, ..., vocab_size)
//   generator      BERT fields that differ for the generator (default: a quarter of the
//                  discriminator's width, heads and FFN, as ELECTRA-Small; its layers); the
//                  vocabulary, positions and token types are always the discriminator's
// Parameter names: discriminator.* (BertModel), discriminator_predictions.{dense,
// dense_prediction} (HF ElectraForPreTraining's head), generator.embeddings_project (when the
// widths differ), generator.encoder.layer.N.*, generator.generator_predictions.{dense,LayerNorm},
// generator.generator_lm_head.bias.
// forward(input_ids, ...) runs the discriminator: last_hidden_state and logits (batch, seq), the
// replaced-token score of every position.
#include <torch/torch.h>

#include "nn/bert_config.h"
#include "nn/bert_torch.h"
#include "nn/model_family_torch.h"

namespace frugal {

class Model;

inline const Architecture kElectraForPreTraining = "FrugalElectraForPreTraining";

ModelFamily electra_family();

// The generator and discriminator of an ELECTRA model, for the pretraining loss.
class ElectraParts {
 public:
  virtual ~ElectraParts() = default;
  // Generator logits over the vocabulary at flat positions `where` of (batch, seq) inputs.
  virtual torch::Tensor generator_logits(const ModelBatch& batch, const torch::Tensor& where) = 0;
  // Discriminator replaced-token logits, (batch, seq).
  virtual torch::Tensor discriminator_logits(const ModelBatch& batch) = 0;
};
ElectraParts& electra_parts(Model& electra);

// The discriminator as a BertModel of its own, on the ELECTRA model's device (its pooler as
// initialised: pretraining never trains it).
Model electra_discriminator(const Model& electra);

// The ELECTRA config for a discriminator config and generator overrides: the generator takes
// the discriminator's fields, then the defaults above, then `generator`.
nlohmann::json electra_config(const nlohmann::json& discriminator, const nlohmann::json& generator);

}  // namespace frugal
