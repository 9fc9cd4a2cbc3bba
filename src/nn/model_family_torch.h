#pragma once
// Model families behind one registry. A family (BERT, GPT-2, the RNN students, ...) is a
// self-contained unit: it parses its own config.json fields, builds its modules with HF-style
// parameter names, initialises them, runs the forward pass that yields named outputs, and says
// which HF `architectures` names it answers to. frugal::Model (nn/model_dir_torch.h) finds the
// family by that name and dispatches to it; adding a family touches only its own files and the
// list in nn/model_families_torch.cpp.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace frugal {

// HF's class name, as config.json's "architectures" holds it ("BertForMaskedLM").
using Architecture = std::string;

struct ModelBatch {
  torch::Tensor input_ids, token_type_ids, attention_mask;  // (batch, seq); mask 1 = real token
  torch::Tensor allowed;  // answer-span model: tokens a span may use (default: token type 1, else all real)
  torch::Tensor pixel_values;  // image models: (batch, channels, height, width), normalised floats
  torch::Tensor lexical_match;  // QA with lexical-match features: (batch, seq) ids (tasks/qa/lexical_match.h)
};

using NamedOutputs = std::vector<std::pair<std::string, torch::Tensor>>;

// One built model of a family: the module and what frugal::Model asks of it.
class FamilyModel {
 public:
  virtual ~FamilyModel() = default;
  virtual std::shared_ptr<torch::nn::Module> module() const = 0;
  // The family's initialisation (HF's where HF has the model), drawing from torch's generator.
  virtual void init_weights() = 0;
  // Named outputs ("last_hidden_state", "logits", ...) under the caller's grad / autocast mode.
  virtual NamedOutputs forward(const ModelBatch& batch) = 0;
  virtual std::int64_t vocab_size() const = 0;
  virtual std::int64_t max_positions() const = 0;    // longest input the model takes
  virtual std::int64_t pad_token_id() const = 0;     // an id in range, for padding
  virtual std::int64_t type_vocab_size() const = 0;  // token-type ids must be below this
  // The base model's name prefix ("bert."), added or stripped when a checkpoint moves between
  // heads of the family, as HF does; empty when the family has none.
  virtual std::string base_prefix() const { return ""; }
  // Rows per inference batch that keep a row's result independent of its neighbours
  // (nn/fixed_shape_batches.h): `wanted` for fixed-shape models; 1 where the computation's shape
  // follows the batch (packed sequences).
  virtual std::size_t invariant_batch_size(std::size_t wanted) const { return wanted; }
  // Whether model.safetensors also holds the module's buffers (e.g. batch-norm statistics).
  virtual bool saves_buffers() const { return false; }
  // File tensors the family derives or ignores (tied copies, HF buffers): not "unexpected".
  virtual bool tolerated_extra(const std::string& /*name*/) const { return false; }
};

struct ModelFamily {
  std::string model_type;                  // config.json "model_type" ("bert", "gpt2", ...)
  std::vector<Architecture> architectures;  // the names it builds
  // `frugal model init --arch NAME --head HEAD`: short names of the family and its heads (the
  // first head is the default).
  std::string name;
  std::vector<std::pair<std::string, Architecture>> heads;
  // Builds `architecture` from the parsed config; may normalise fields in `config` (the JSON
  // written back to config.json). InputError naming config_name for a bad config.
  std::function<std::unique_ptr<FamilyModel>(const Architecture& architecture, nlohmann::json& config,
                                             const std::string& config_name)>
      build;
};

// Every registered family (nn/model_families_torch.cpp).
const std::vector<ModelFamily>& model_families();

// The family that builds `architecture`; InputError naming `where` and the known names if none.
const ModelFamily& family_of(const Architecture& architecture, const std::string& where);

// `model init --arch NAME --head HEAD` (HEAD empty: the family's default); InputError listing
// every family's heads when there is no such model.
Architecture architecture_for_head(const std::string& family_name, const std::string& head);

}  // namespace frugal
