#pragma once
// BYOL (Grill et al. 2020) as a model family (model_type "frugal_byol", FrugalByolModel): an
// online network (any image backbone of the registry + projector MLP) with a predictor MLP,
// and a target network (backbone + projector) that is an exponential moving average of the
// online one and gets no gradients. Both are parameters of the module, so the trainer's
// checkpoints hold them and a resumed run continues exactly. config.json:
//   backbone                the backbone's config (with its "architectures", e.g. FrugalCnnModel)
//   projection_hidden_size  4096   the MLPs' hidden width: Linear -> norm -> ReLU -> Linear
//   projection_size         256
//   projector_norm          layer_norm (the seed's) | batch_norm (the paper's) | none
// forward(pixel_values = the two views stacked, 2N rows) gives online_predictions,
// target_projections (no gradient), online_projections and online_representations (the
// backbone's features).
#include <torch/torch.h>

#include <string>

#include "nn/model_family_torch.h"

namespace frugal {

class Model;

inline const Architecture kByolModel = "FrugalByolModel";

ModelFamily byol_family();

// target = tau * target + (1 - tau) * online, for every parameter of backbone and projector.
void update_byol_target(Model& byol, double tau);

// The online backbone as a model of its own architecture (what `image train --init` takes).
Model byol_backbone(const Model& byol);

}  // namespace frugal
