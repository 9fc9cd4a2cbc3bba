#pragma once
// The model a training command starts from, shared by `pretrain`, `qa train` and the `qagen
// train-*` commands: either --init (a model directory, loaded as the command's architecture,
// new head tensors initialised and reported) or --model-config (HF config.json fields of a new
// model; vocab_size defaults to the tokenizer's).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "nn/model_dir_torch.h"
#include "text/tokenizer.h"

namespace frugal::cli {

struct ModelStart {
  std::string init, model_config;  // exactly one of them
  std::uint64_t seed = 0;          // initialises a new model's weights
  // Config fields the task needs: added to a new model's config when absent, and to an --init
  // checkpoint's when absent there (type_vocab_size also when the checkpoint's is smaller).
  nlohmann::json task_fields = nlohmann::json::object();
  // Fields set in either case, replacing the checkpoint's (a classifier's id2label, num_labels).
  nlohmann::json forced_fields = nlohmann::json::object();
  // Fields only a new model gets when absent (e.g. GPT-2's bos/eos ids from the tokenizer).
  nlohmann::json new_model_defaults = nlohmann::json::object();
};

// InputError when both or neither of init/model_config are given, or the config is malformed
// (naming the file and line).
std::unique_ptr<Model> model_to_train(const ModelStart& start, Architecture arch, const Tokenizer& tokenizer, torch::Device device);

}  // namespace frugal::cli
