#pragma once
// The ResNet-v2 family as BiT builds it (model_type "frugal_resnetv2", nn/image_config.h):
// pre-activation blocks, GroupNorm, weight-standardised convolutions; HF BiT's parameter names
// (embedder.convolution, encoder.stages.S.layers.B.{norm1,conv1,...,downsample.conv}, norm).
// FrugalResNetV2Model (features) and FrugalResNetV2ForImageClassification ("resnetv2." + classifier).
#include "nn/image_config.h"
#include "nn/model_family_torch.h"

namespace frugal {

inline const Architecture kResNetV2Model = "FrugalResNetV2Model";
inline const Architecture kResNetV2ForImageClassification = "FrugalResNetV2ForImageClassification";

ModelFamily resnetv2_family();

}  // namespace frugal
