#pragma once
// Inference for any model frugal can open — a TorchScript file saved by Python or a frugal model
// directory — at a chosen precision and device: batched forwards over input tensors, logits in
// fp32, softmax in fp32, test-time augmentation averaged over probabilities, and the seed's
// metrics (clamped log loss, accuracy) when labels are known. `frugal infer` and `frugal bench
// precision` are thin layers over this.
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nn/model_dir_torch.h"
#include "nn/precision_torch.h"
#include "nn/torchscript_model_torch.h"
#include "tasks/classify/classify_model_torch.h"

namespace frugal {

// What the model is given. Positional inputs for TorchScript (input, or input0, input1, ...);
// frugal models read them by name: input_ids / attention_mask / token_type_ids, or pixel_values.
// Every tensor's first dimension is the example; with `stacked_tta` the second is the
// augmentation (the seed's (B, A, ...) layout), flattened to (B*A, ...) for the model.
struct InferenceInputs {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  torch::Tensor labels;                  // (examples) long, or undefined
  std::vector<std::string> label_names;  // from the model or the data, when known
  std::string source;                    // for messages
  // Frugal text classifiers: the token ids of each text, run through classify's length-bucketed,
  // batch-invariant inference (tasks/classify) instead of `tensors`: no work on padding beyond
  // a row's bucket, and the same bits as `classify predict`.
  std::vector<EncodedText> texts;
  std::size_t max_length = 128;  // the texts' length-bucket cap

  std::int64_t examples() const;
  InferenceInputs head(std::int64_t n) const;  // the first n examples (a warm-up slice)
};

enum class Tta { kNone, kFlip, kStacked };
Tta parse_tta(const std::string& name);  // none | flip | stacked

struct InferenceOptions {
  std::size_t batch_size = 32;  // examples per forward (the last batch is padded to it)
  Tta tta = Tta::kNone;
  int threads = 1;  // texts: workers of classify's single-threaded forwards
};

// A TorchScript file or a frugal model directory, opened at a precision on a device.
class InferenceModel {
 public:
  static std::unique_ptr<InferenceModel> open(const std::string& path, const torch::Device& device, Precision precision);

  // (rows, ...) fp32 logits of the named inputs' rows.
  torch::Tensor logits(const std::vector<std::pair<std::string, torch::Tensor>>& batch);

  bool is_torchscript() const { return script_ != nullptr; }
  Model* frugal_model() { return model_.get(); }
  const std::string& path() const { return path_; }
  Precision precision() const { return precision_; }
  const torch::Device& device() const { return device_; }
  std::size_t quantized_layers() const { return quantized_layers_; }
  std::int64_t parameter_count() const;
  std::string description() const;  // "TorchScript" or the frugal architecture

 private:
  std::string path_;
  torch::Device device_ = torch::kCPU;
  Precision precision_ = Precision::kFp32;
  std::unique_ptr<TorchScriptModel> script_;
  std::unique_ptr<Model> model_;
  std::size_t quantized_layers_ = 0;
};

struct InferenceResult {
  torch::Tensor logits;  // (examples, classes), or (examples, augmentations, classes) with TTA
  torch::Tensor probs;   // (examples, classes) fp32, averaged over augmentations
  std::vector<double> batch_ms;  // wall time of each batch's forwards (device synchronised); for
                                 // texts the pass's time spread over ceil(n / batch_size) batches
};

InferenceResult run_inference(InferenceModel& model, const InferenceInputs& inputs, const InferenceOptions& options);

// The seed's log loss: mean of -log(clamp(p[label], 1e-5, 1 - 1e-5)).
double clamped_log_loss(const torch::Tensor& probs, const torch::Tensor& labels);
double accuracy(const torch::Tensor& probs, const torch::Tensor& labels);

// Inputs from a safetensors file: `input` / `input0`, `input1`, ... (or frugal's input_ids,
// attention_mask, token_type_ids, pixel_values), plus `labels` when present. InputError naming
// the file when it has no input tensor or the first dimensions disagree.
InferenceInputs read_inference_inputs(const std::string& path);

// Labels from a file: a safetensors file's `labels` tensor, or one integer per line.
torch::Tensor read_labels_file(const std::string& path, std::int64_t examples);

}  // namespace frugal
