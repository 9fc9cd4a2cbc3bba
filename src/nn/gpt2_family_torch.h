#pragma once
// The GPT-2 family: GPT2Model and GPT2LMHeadModel (HF's classes and names) behind the
// model-family registry (nn/model_family_torch.h).
#include "nn/gpt2_config.h"
#include "nn/gpt2_torch.h"
#include "nn/model_family_torch.h"

namespace frugal {

class Model;

inline const Architecture kGpt2Model = "GPT2Model";
inline const Architecture kGpt2LMHeadModel = "GPT2LMHeadModel";

ModelFamily gpt2_family();

// The config of a GPT-2-family model; std::invalid_argument for another family's.
const Gpt2Config& gpt2_config_of(const Model& model);

}  // namespace frugal
