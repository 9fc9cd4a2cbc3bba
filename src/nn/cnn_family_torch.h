#pragma once
// The LeNet-style CNN family (model_type "frugal_cnn", nn/image_config.h): FrugalCnnModel (the
// backbone: features) and FrugalCnnForImageClassification (backbone under "cnn." + classifier).
#include "nn/image_config.h"
#include "nn/model_family_torch.h"

namespace frugal {

inline const Architecture kCnnModel = "FrugalCnnModel";
inline const Architecture kCnnForImageClassification = "FrugalCnnForImageClassification";

ModelFamily cnn_family();

}  // namespace frugal
