#pragma once
// Training checkpoints: ROOT/step-NNNNNNNNN/ holds the model (config.json + model.safetensors,
// loadable by `frugal model` and HF), trainer.pt (optimizer state and the torch RNG state) and
// state.json (step, data position, schedule, early-stopping record, frugal's own RNG counters).
// A checkpoint is written into a temporary directory and renamed into place, then ROOT/latest is
// replaced atomically: a crash or kill at any moment leaves the previous checkpoint usable.
// Only the newest `keep_last` are kept.
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "nn/model_dir_torch.h"

namespace frugal {

std::string save_checkpoint(const std::string& root, std::uint64_t step, const Model& model,
                            torch::optim::Optimizer& optimizer, const nlohmann::json& state, std::size_t keep_last);

// The directory ROOT/latest names, if any (stale temporary directories are removed).
std::optional<std::string> latest_checkpoint(const std::string& root);

// Restores model weights, optimizer state and the torch RNG; returns state.json.
nlohmann::json load_checkpoint(const std::string& dir, Model& model, torch::optim::Optimizer& optimizer);

}  // namespace frugal
