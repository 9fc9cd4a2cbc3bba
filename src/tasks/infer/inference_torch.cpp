#include "tasks/infer/inference_torch.h"

#include <fmt/format.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <charconv>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/text_lines.h"
#include "nn/image_model_torch.h"
#include "nn/safetensors_torch.h"

namespace frugal {
namespace {

const char* const kFrugalInputs[] = {"input_ids", "attention_mask", "token_type_ids", "pixel_values"};

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
}

// Rows [first, first + count) of t, the tail padded to `size` rows by repeating row `first`:
// every batch has the same shape, whatever the number of examples.
torch::Tensor padded_rows(const torch::Tensor& t, std::int64_t first, std::int64_t count, std::int64_t size) {
  auto rows = t.narrow(0, first, count);
  if (count == size) return rows;
  return torch::cat({rows, t.narrow(0, first, 1).repeat_interleave(size - count, 0)});
}

}  // namespace

Tta parse_tta(const std::string& name) {
  if (name == "none" || name.empty()) return Tta::kNone;
  if (name == "flip") return Tta::kFlip;
  if (name == "stacked") return Tta::kStacked;
  throw InputError("--tta '" + name + "' is not none, flip (horizontal flip of image inputs) or stacked (inputs hold (B, A, ...))");
}

std::unique_ptr<InferenceModel> InferenceModel::open(const std::string& path, const torch::Device& device, Precision precision) {
  auto m = std::make_unique<InferenceModel>();
  m->path_ = path;
  m->device_ = device;
  m->precision_ = precision;
  if (std::filesystem::is_directory(path)) {
    if (!std::filesystem::exists(path + "/config.json")) throw InputError(InputLocation{path}, "a model directory needs config.json (and model.safetensors)");
    m->model_ = std::make_unique<Model>(Model::load(path, device));
    m->quantized_layers_ = to_precision(*m->model_, device, precision);
    m->model_->module()->eval();
  } else {
    m->script_ = std::make_unique<TorchScriptModel>(TorchScriptModel::load(path, device, precision));
    m->quantized_layers_ = m->script_->quantized_layers();
  }
  return m;
}

std::int64_t InferenceModel::parameter_count() const { return script_ ? script_->parameter_count() : model_->parameter_count(); }

std::string InferenceModel::description() const { return script_ ? "TorchScript" : model_->architecture(); }

torch::Tensor InferenceModel::logits(const std::vector<std::pair<std::string, torch::Tensor>>& batch) {
  if (script_) {
    std::vector<torch::Tensor> args;
    for (const auto& [name, t] : batch) args.push_back(t);
    return script_->forward(args);
  }
  ModelBatch b;
  const auto dtype = floating_dtype(precision_);
  for (const auto& [name, t] : batch) {
    const auto x = t.to(device_);
    if (name == "input_ids") b.input_ids = x.to(torch::kLong);
    else if (name == "attention_mask") b.attention_mask = x.to(torch::kLong);
    else if (name == "token_type_ids") b.token_type_ids = x.to(torch::kLong);
    else if (name == "pixel_values") b.pixel_values = x.to(dtype);
    else if (x.is_floating_point()) b.pixel_values = x.to(dtype);  // `input`: images for image models
    else b.input_ids = x.to(torch::kLong);                           // token ids for text models
  }
  if (b.input_ids.defined() && !b.attention_mask.defined()) b.attention_mask = torch::ones_like(b.input_ids);
  try {
    return named_output(model_->forward(b), "logits").to(torch::kCPU, torch::kFloat32);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw InputError(InputLocation{path_}, fmt::format("the model fails on these inputs at {} on {}: {}", precision_name(precision_),
                                                        device_.str(), what));
  }
}

std::int64_t InferenceInputs::examples() const {
  if (!texts.empty()) return static_cast<std::int64_t>(texts.size());
  return tensors.empty() ? 0 : tensors.front().second.size(0);
}

InferenceInputs InferenceInputs::head(std::int64_t n) const {
  InferenceInputs h = *this;
  n = std::min(n, examples());
  for (auto& [name, t] : h.tensors) t = t.narrow(0, 0, n);
  if (!h.texts.empty()) h.texts.resize(static_cast<std::size_t>(n));
  if (h.labels.defined()) h.labels = h.labels.narrow(0, 0, n);
  return h;
}

namespace {

InferenceResult run_text_inference(InferenceModel& model, const InferenceInputs& inputs, const InferenceOptions& options) {
  if (!model.frugal_model()) throw InputError(InputLocation{model.path()}, "texts need a frugal text model");
  if (options.tta != Tta::kNone) throw InputError(InputLocation{inputs.source}, "--tta needs image inputs, not texts");
  ClassifyInferenceOptions o;
  o.batch_size = options.batch_size;
  o.max_length = inputs.max_length;
  o.threads = options.threads;
  InferenceResult result;
  torch::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  result.logits = classify_logits(*model.frugal_model(), inputs.texts, o).contiguous();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto batches = (inputs.texts.size() + options.batch_size - 1) / options.batch_size;
  result.batch_ms.assign(batches, ms / static_cast<double>(batches));
  result.probs = torch::softmax(result.logits, 1).contiguous();
  return result;
}

}  // namespace

InferenceResult run_inference(InferenceModel& model, const InferenceInputs& inputs, const InferenceOptions& options) {
  if (options.batch_size == 0) throw InputError("--batch-size must be positive");
  const auto n = inputs.examples();
  if (n == 0) throw InputError(InputLocation{inputs.source}, "no examples");
  if (!inputs.texts.empty()) return run_text_inference(model, inputs, options);
  std::int64_t augmentations = 1;
  if (options.tta == Tta::kStacked) {
    for (const auto& [name, t] : inputs.tensors) {
      if (t.dim() < 2) throw InputError(InputLocation{inputs.source}, "--tta stacked needs inputs of shape (examples, augmentations, ...); " + name + " has " + std::to_string(t.dim()) + " dimensions");
      augmentations = t.size(1);
    }
  } else if (options.tta == Tta::kFlip) {
    bool image = false;
    for (const auto& [name, t] : inputs.tensors) image = image || (t.is_floating_point() && t.dim() == 4);
    if (!image) throw InputError(InputLocation{inputs.source}, "--tta flip needs an image input (examples, channels, height, width) of floats");
    augmentations = 2;
  }
  const auto size = static_cast<std::int64_t>(options.batch_size);
  InferenceResult result;
  std::vector<torch::Tensor> logit_parts;
  torch::InferenceMode inference;
  for (std::int64_t first = 0; first < n; first += size) {
    const auto count = std::min(size, n - first);
    std::vector<torch::Tensor> views_logits;
    synchronize(model.device());
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t view = 0; view < (options.tta == Tta::kFlip ? 2 : 1); ++view) {
      std::vector<std::pair<std::string, torch::Tensor>> batch;
      for (const auto& [name, t] : inputs.tensors) {
        auto rows = padded_rows(t, first, count, size);
        if (options.tta == Tta::kStacked) {
          auto shape = rows.sizes().vec();
          shape.erase(shape.begin());
          shape[0] = size * augmentations;
          rows = rows.reshape(shape);
        } else if (view == 1 && t.is_floating_point() && t.dim() == 4) {
          rows = rows.flip({3});
        }
        batch.emplace_back(name, rows);
      }
      views_logits.push_back(model.logits(batch));
    }
    synchronize(model.device());
    result.batch_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    torch::Tensor logits;
    if (options.tta == Tta::kStacked) {
      auto shape = views_logits[0].sizes().vec();
      shape[0] = augmentations;
      shape.insert(shape.begin(), size);
      logits = views_logits[0].reshape(shape);
    } else if (options.tta == Tta::kFlip) {
      logits = torch::stack(views_logits, 1);
    } else {
      logits = views_logits[0];
    }
    logit_parts.push_back(logits.narrow(0, 0, count));
  }
  result.logits = torch::cat(logit_parts).contiguous();
  if (result.logits.dim() < 2) throw InputError(InputLocation{model.path()}, "the model's output is not (examples, classes) logits");
  const auto classes_dim = result.logits.dim() - 1;
  auto probs = torch::softmax(result.logits, classes_dim);
  if (options.tta != Tta::kNone) probs = probs.mean(1);
  result.probs = probs.contiguous();
  return result;
}

double clamped_log_loss(const torch::Tensor& probs, const torch::Tensor& labels) {
  const auto p = probs.to(torch::kFloat64).gather(1, labels.to(torch::kLong).view({-1, 1})).clamp(1e-5, 1.0 - 1e-5);
  return -p.log().mean().item<double>();
}

double accuracy(const torch::Tensor& probs, const torch::Tensor& labels) {
  return probs.argmax(1).eq(labels.to(torch::kLong)).to(torch::kFloat64).mean().item<double>();
}

InferenceInputs read_inference_inputs(const std::string& path) {
  InferenceInputs in;
  in.source = path;
  std::map<std::string, torch::Tensor> by_name;
  for (auto& [name, t] : load_safetensors(path)) by_name[name] = t;
  if (by_name.count("input")) in.tensors.emplace_back("input", by_name["input"]);
  for (int i = 0; by_name.count("input" + std::to_string(i)); ++i) in.tensors.emplace_back("input" + std::to_string(i), by_name["input" + std::to_string(i)]);
  if (in.tensors.empty()) {
    for (const char* name : kFrugalInputs) {
      if (by_name.count(name)) in.tensors.emplace_back(name, by_name[name]);
    }
  }
  if (in.tensors.empty()) throw InputError(InputLocation{path}, "no input tensor: name it input (or input0, input1, ... / input_ids, pixel_values)");
  for (const auto& [name, t] : in.tensors) {
    if (t.dim() == 0 || t.size(0) != in.tensors.front().second.size(0)) {
      throw InputError(InputLocation{path}, fmt::format("tensor {} has {} rows, {} has {}", name, t.dim() ? t.size(0) : 0,
                                                        in.tensors.front().first, in.tensors.front().second.size(0)));
    }
  }
  if (by_name.count("labels")) {
    in.labels = by_name["labels"].to(torch::kLong).view({-1});
    if (in.labels.size(0) != in.examples()) throw InputError(InputLocation{path}, fmt::format("{} labels for {} examples", in.labels.size(0), in.examples()));
  }
  return in;
}

torch::Tensor read_labels_file(const std::string& path, std::int64_t examples) {
  torch::Tensor labels;
  if (path.size() > 12 && path.substr(path.size() - 12) == ".safetensors") {
    for (auto& [name, t] : load_safetensors(path)) {
      if (name == "labels") labels = t.to(torch::kLong).view({-1});
    }
    if (!labels.defined()) throw InputError(InputLocation{path}, "no tensor named labels");
  } else {
    std::vector<std::int64_t> values;
    for_each_line(path, [&](std::string& line, std::uint64_t number) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty()) return;
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
      if (ec != std::errc() || end != line.data() + line.size() || v < 0) throw InputError(InputLocation{path, number}, "'" + line + "' is not a label (an integer >= 0)");
      values.push_back(v);
    });
    labels = torch::tensor(values, torch::kLong);
  }
  if (labels.size(0) != examples) throw InputError(InputLocation{path}, fmt::format("{} labels for {} examples", labels.size(0), examples));
  return labels;
}

}  // namespace frugal
