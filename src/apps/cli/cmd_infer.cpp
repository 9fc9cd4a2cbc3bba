// frugal infer | bench precision: any model (a TorchScript file saved by Python, or a frugal
// model directory) at fp32 / fp16 / bf16 / int8 on the CPU or a CUDA device, over a safetensors
// file of input tensors, an image set or a TSV of texts; logits and fp32 probabilities out, the
// seed's precision table (time, log loss, agreement with fp32) for the benchmark.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/cli/image_options.h"
#include "apps/cli/model_files.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/statistics.h"
#include "core/strings.h"
#include "core/text_lines.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/image_model_torch.h"
#include "nn/safetensors_torch.h"
#include "tasks/classify/classify_model_torch.h"
#include "tasks/image/image_model_torch.h"
#include "tasks/infer/inference_torch.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

struct SourceArgs {
  std::string input, images, text, labels;
  std::string image_size, mean, std;  // TorchScript image models: the input they expect
  TextColumns columns;
  std::size_t max_length = 0;
  std::string tta = "none", device = "cpu";
  std::size_t batch_size = 32;
};

struct InferArgs {
  std::string model, precision = "fp32", out;
  SourceArgs source;
};

struct BenchPrecisionArgs {
  std::string model, precisions, out;
  std::size_t runs = 3;
  SourceArgs source;
};

void add_source_options(CLI::App* cmd, SourceArgs& a) {
  auto* input = cmd->add_option("--input", a.input, "safetensors file: tensor input (or input0, input1, ...; frugal models: input_ids, attention_mask, token_type_ids, pixel_values), optional labels");
  auto* images = cmd->add_option("--images", a.images, "Image data: mnist:test, usps:train, IMAGES,LABELS (IDX), IMAGES, or a folder");
  auto* text = cmd->add_option("--text", a.text, "TSV of texts (frugal text classifiers)");
  input->excludes(images)->excludes(text);
  images->excludes(text);
  cmd->add_option("--labels", a.labels, "Labels for log loss and accuracy: a safetensors file's labels tensor, or one integer per line");
  cmd->add_option("--image-size", a.image_size, "TorchScript models: resize images to N or HxW (default: as they are)");
  cmd->add_option("--mean", a.mean, "TorchScript models: per-channel mean of [0, 1] pixels (comma-separated; default 0)");
  cmd->add_option("--std", a.std, "TorchScript models: per-channel std (default 1)");
  cmd->add_option("--text-column", a.columns.text, "Column of the text")->capture_default_str();
  cmd->add_option("--text-pair-column", a.columns.pair, "Column of the second text of a pair");
  cmd->add_option("--label-column", a.columns.label, "Column of the label (optional in the file)")->capture_default_str();
  cmd->add_option("--max-length", a.max_length, "Tokens per text (default: 128 or the model's positions)");
  cmd->add_option("--tta", a.tta, "Test-time augmentation: none, flip (images and their mirror), stacked (inputs hold (B, A, ...))")->capture_default_str();
  cmd->add_option("--device", a.device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_option("--batch-size", a.batch_size, "Examples per forward")->capture_default_str();
}

std::vector<double> parse_numbers(const std::string& text, const std::string& option) {
  std::vector<double> v;
  std::stringstream in(text);
  std::string field;
  while (std::getline(in, field, ',')) {
    try {
      std::size_t used = 0;
      v.push_back(std::stod(field, &used));
      if (used != field.size()) throw std::invalid_argument(field);
    } catch (const std::exception&) {
      throw InputError(option + " '" + text + "' is not a comma-separated list of numbers");
    }
  }
  return v;
}

// What a TorchScript model is given for an image set: the images' own size and channels unless
// told, pixels scaled to [0, 1], then (x - mean) / std.
ImageInputSpec script_image_spec(const SourceArgs& a, const ImageSet& set) {
  ImageInputSpec spec;
  spec.channels = set.images.front().channels;
  spec.height = set.images.front().height;
  spec.width = set.images.front().width;
  if (!a.image_size.empty()) {
    const auto x = a.image_size.find('x');
    const auto sizes = parse_numbers(x == std::string::npos ? a.image_size : a.image_size.substr(0, x) + "," + a.image_size.substr(x + 1), "--image-size");
    if (sizes.empty() || sizes.size() > 2 || sizes[0] < 1 || sizes.back() < 1) throw InputError("--image-size '" + a.image_size + "' is not N or HxW");
    spec.height = static_cast<int>(sizes[0]);
    spec.width = static_cast<int>(sizes.back());
  }
  spec.mean = a.mean.empty() ? std::vector<double>(spec.channels, 0.0) : parse_numbers(a.mean, "--mean");
  spec.std = a.std.empty() ? std::vector<double>(spec.channels, 1.0) : parse_numbers(a.std, "--std");
  if (spec.mean.size() == 1) spec.mean.assign(spec.channels, spec.mean[0]);
  if (spec.std.size() == 1) spec.std.assign(spec.channels, spec.std[0]);
  if (static_cast<int>(spec.mean.size()) != spec.channels || static_cast<int>(spec.std.size()) != spec.channels) {
    throw InputError(fmt::format("--mean / --std need 1 or {} values (the images' channels)", spec.channels));
  }
  for (const auto s : spec.std) {
    if (!(s > 0)) throw InputError("--std values must be positive");
  }
  return spec;
}

InferenceInputs read_inputs(const SourceArgs& a, InferenceModel& model, const std::string& model_path, const GlobalOptions& global) {
  InferenceInputs in;
  Model* frugal_model = model.frugal_model();
  const auto config_path = model_path + "/config.json";
  const auto config = frugal_model ? parse_config_json(frugal_model->config_json(), config_path) : nlohmann::json::object();
  const int threads = worker_threads(global.threads);
  if (!a.input.empty()) {
    in = read_inference_inputs(a.input);
  } else if (!a.images.empty()) {
    const auto set = load_images(a.images, ImageLabels::kOptional, global);
    if (set.empty()) throw InputError(InputLocation{a.images}, "no images");
    const auto spec = frugal_model ? image_input_of(*frugal_model) : script_image_spec(a, set);
    std::vector<std::size_t> all(set.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    in.source = a.images;
    in.tensors.emplace_back(frugal_model ? "pixel_values" : "input", image_tensor(set, all, spec, nullptr, 0, 0, false, threads));
    if (set.labelled()) {
      const auto ids = frugal_model ? labels_for_model(set, config, model_path) : set.labels;
      in.labels = torch::tensor(ids, torch::kLong);
    }
    if (!frugal_model) in.label_names = set.class_names;
  } else if (!a.text.empty()) {
    if (!frugal_model) throw InputError(InputLocation{model_path}, "--text needs a frugal text model directory (its tokenizer); give a TorchScript model --input FILE.safetensors of token ids");
    const auto tokenizer = load_tokenizer(tokenizer_for_model(model_path, ""));
    const auto max_length = classify_max_length(a.max_length, *frugal_model);
    frugal_model->check_length(max_length);
    const auto examples = read_text_examples(a.text, a.columns, LabelNeed::kOptional);
    if (examples.empty()) throw InputError(InputLocation{a.text}, "no rows");
    in.texts = encode_texts(tokenizer, examples, max_length, threads);
    in.max_length = max_length;
    in.source = a.text;
    const auto label_set = LabelSet::from_config(config, config_path);
    if (std::all_of(examples.begin(), examples.end(), [](const TextExample& e) { return !e.label.empty(); })) {
      std::vector<std::int64_t> label_ids;
      for (const auto& e : examples) label_ids.push_back(label_set.id_of(e, a.text));
      in.labels = torch::tensor(label_ids, torch::kLong);
    }
  } else {
    throw InputError("give the inputs: --input FILE.safetensors, --images DATA or --text TSV");
  }
  if (!a.labels.empty()) in.labels = read_labels_file(a.labels, in.examples());
  if (in.label_names.empty() && config.contains("id2label")) {
    in.label_names = id2label_names(config, config.value("num_labels", static_cast<std::int64_t>(config["id2label"].size())));
  }
  return in;
}

InferenceOptions options_of(const SourceArgs& a, const GlobalOptions& global) {
  InferenceOptions o;
  o.batch_size = a.batch_size;
  o.tta = parse_tta(a.tta);
  o.threads = worker_threads(global.threads);
  return o;
}

void check_labels(const InferenceInputs& in, const torch::Tensor& probs) {
  if (!in.labels.defined()) return;
  const auto classes = probs.size(1);
  const auto high = in.labels.max().item<std::int64_t>(), low = in.labels.min().item<std::int64_t>();
  if (low < 0 || high >= classes) throw InputError(InputLocation{in.source}, fmt::format("label {} outside the model's {} classes", low < 0 ? low : high, classes));
}

void write_jsonl(const std::string& path, const InferenceResult& r, const InferenceInputs& in) {
  AtomicFile out(path);
  const auto n = r.probs.size(0);
  const auto logits = r.logits.reshape({n, -1});
  for (std::int64_t i = 0; i < n; ++i) {
    const auto row = r.probs[i];
    const auto best = row.argmax().item<std::int64_t>();
    nlohmann::json j;
    j["index"] = i;
    j["prediction"] = best;
    if (static_cast<std::size_t>(best) < in.label_names.size()) j["label"] = in.label_names[static_cast<std::size_t>(best)];
    j["score"] = row[best].item<float>();
    if (in.labels.defined()) j["true_label"] = in.labels[i].item<std::int64_t>();
    const auto* p = row.data_ptr<float>();
    j["probs"] = std::vector<float>(p, p + row.size(0));
    const auto l = logits[i].contiguous();
    j["logits"] = std::vector<float>(l.data_ptr<float>(), l.data_ptr<float>() + l.numel());
    out.write(j.dump() + "\n");
  }
  out.commit();
}

int run_infer(const InferArgs& a, const GlobalOptions& global) {
  const auto device = parse_device(a.source.device);
  const auto precision = parse_precision(a.precision);
  const auto options = options_of(a.source, global);
  auto model = InferenceModel::open(a.model, device, precision);
  const auto inputs = read_inputs(a.source, *model, a.model, global);
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_inference(*model, inputs, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  check_labels(inputs, result.probs);
  if (!a.out.empty()) {
    if (ends_with(a.out, ".jsonl")) {
      write_jsonl(a.out, result, inputs);
    } else {
      std::vector<std::pair<std::string, torch::Tensor>> tensors{{"logits", result.logits}, {"probs", result.probs}};
      if (inputs.labels.defined()) tensors.emplace_back("labels", inputs.labels);
      save_safetensors(a.out, tensors, {{"model", a.model}, {"precision", precision_name(precision)}, {"device", device.str()}});
    }
  }
  nlohmann::json summary{{"model", a.model}, {"kind", model->description()}, {"precision", precision_name(precision)},
                         {"device", device.str()}, {"examples", inputs.examples()}, {"classes", result.probs.size(1)},
                         {"batch_size", options.batch_size}, {"seconds", seconds}, {"examples_per_s", inputs.examples() / seconds}};
  if (precision == Precision::kInt8) summary["quantized_layers"] = model->quantized_layers();
  if (inputs.labels.defined()) {
    summary["log_loss"] = clamped_log_loss(result.probs, inputs.labels);
    summary["accuracy"] = accuracy(result.probs, inputs.labels);
  }
  if (!a.out.empty()) summary["out"] = a.out;
  std::cout << summary.dump() << "\n";
  return 0;
}

int run_bench_precision(const BenchPrecisionArgs& a, const GlobalOptions& global) {
  const auto device = parse_device(a.source.device);
  const auto options = options_of(a.source, global);
  if (a.runs == 0) throw InputError("--runs must be positive");
  std::vector<Precision> precisions;
  const std::string list = !a.precisions.empty() ? a.precisions : device.is_cuda() ? "fp32,fp16,bf16" : "fp32,bf16,int8";
  for (const auto& name : split_fields(list, ',')) precisions.push_back(parse_precision(name, "--precisions"));
  // fp32 is the reference every other row is compared with: measured first, listed or not.
  const bool fp32_listed = std::count(precisions.begin(), precisions.end(), Precision::kFp32) > 0;
  precisions.erase(std::remove(precisions.begin(), precisions.end(), Precision::kFp32), precisions.end());
  precisions.insert(precisions.begin(), Precision::kFp32);

  InferenceInputs inputs;
  torch::Tensor reference;
  std::vector<nlohmann::json> rows;
  for (const auto p : precisions) {
    nlohmann::json row{{"precision", precision_name(p)}, {"device", device.str()}, {"batch_size", options.batch_size}};
    try {
      auto model = InferenceModel::open(a.model, device, p);
      if (inputs.tensors.empty()) inputs = read_inputs(a.source, *model, a.model, global);
      run_inference(*model, inputs.head(static_cast<std::int64_t>(options.batch_size)), options);
      std::vector<double> batch_ms;
      double total_ms = 0;
      InferenceResult result;
      for (std::size_t run = 0; run < a.runs; ++run) {
        result = run_inference(*model, inputs, options);
        for (const auto ms : result.batch_ms) total_ms += ms;
        batch_ms.insert(batch_ms.end(), result.batch_ms.begin(), result.batch_ms.end());
      }
      check_labels(inputs, result.probs);
      if (p == Precision::kFp32) reference = result.probs;
      row["ms_per_batch"] = median(batch_ms);
      row["examples_per_s"] = 1000.0 * static_cast<double>(inputs.examples() * static_cast<std::int64_t>(a.runs)) / total_ms;
      row["wall_s_per_pass"] = total_ms / 1000.0 / static_cast<double>(a.runs);
      if (inputs.labels.defined()) {
        row["log_loss"] = clamped_log_loss(result.probs, inputs.labels);
        row["accuracy"] = accuracy(result.probs, inputs.labels);
      }
      row["max_abs_dprob"] = (result.probs - reference).abs().max().item<double>();
      row["argmax_agreement"] = result.probs.argmax(1).eq(reference.argmax(1)).to(torch::kFloat64).mean().item<double>();
      if (p == Precision::kInt8) row["quantized_layers"] = model->quantized_layers();
    } catch (const InputError& e) {
      if (p == Precision::kFp32) throw;
      row["error"] = e.what();
    }
    if (p != Precision::kFp32 || fp32_listed) rows.push_back(row);
  }
  const double fp32_ms = rows.empty() || !rows.front().contains("ms_per_batch") ? 0.0 : rows.front()["ms_per_batch"].get<double>();
  std::cout << fmt::format("model {} on {}, {} examples, batch {}, {} runs\n", a.model, device.str(), inputs.examples(), options.batch_size, a.runs);
  std::cout << fmt::format("{:<9} {:>12} {:>10} {:>12} {:>10} {:>14} {:>10}\n", "precision", "ms/batch", "speed-up", "examples/s", "log loss",
                           "max |dprob|", "argmax =");
  for (const auto& r : rows) {
    if (r.contains("error")) {
      std::cout << fmt::format("{:<9} {}\n", r["precision"].get<std::string>(), r["error"].get<std::string>());
      continue;
    }
    const double ms = r["ms_per_batch"].get<double>();
    std::cout << fmt::format("{:<9} {:>12.2f} {:>9.2f}x {:>12.1f} {:>10} {:>14.3g} {:>9.2f}%\n", r["precision"].get<std::string>(), ms,
                             fp32_ms > 0 ? fp32_ms / ms : 0.0, r["examples_per_s"].get<double>(),
                             r.contains("log_loss") ? fmt::format("{:.6f}", r["log_loss"].get<double>()) : "-",
                             r["max_abs_dprob"].get<double>(), 100.0 * r["argmax_agreement"].get<double>());
  }
  std::string jsonl;
  for (const auto& r : rows) jsonl += r.dump() + "\n";
  std::cout << jsonl;
  if (!a.out.empty()) write_file_atomic(a.out, jsonl);
  return 0;
}

}  // namespace

void register_infer_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("infer", "Run a TorchScript file or a frugal model at fp32/fp16/bf16/int8: logits and probabilities");
  auto args = std::make_shared<InferArgs>();
  cmd->add_option("--model", args->model, "A TorchScript file (torch.jit.save) or a frugal model directory")->required();
  cmd->add_option("--precision", args->precision, "fp32, fp16, bf16 or int8 (CPU: dynamic quantization of Linear layers)")->capture_default_str();
  cmd->add_option("--out", args->out, "FILE.safetensors (logits, probs, labels) or FILE.jsonl (one line per example)");
  add_source_options(cmd, args->source);
  set_example(cmd, "  frugal infer --model resnet.pt --images photos/ --image-size 224 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --out p.jsonl\n"
                   "  frugal infer --model runs/cls/model --text dev.tsv --precision int8 --out dev.safetensors");
  table.add(cmd, [args, &global] { return run_infer(*args, global); });
}

void register_bench_model_commands(CLI::App& bench, CommandTable& table, const GlobalOptions& global) {
  auto* cmd = bench.add_subcommand("precision", "The precision table of a model: time, throughput, log loss and agreement with fp32");
  auto args = std::make_shared<BenchPrecisionArgs>();
  cmd->add_option("--model", args->model, "A TorchScript file or a frugal model directory")->required();
  cmd->add_option("--precisions", args->precisions, "Comma-separated (default: fp32,bf16,int8 on CPU; fp32,fp16,bf16 on CUDA)");
  cmd->add_option("--runs", args->runs, "Passes over the inputs per precision (after one warm-up batch)")->capture_default_str();
  cmd->add_option("--out", args->out, "Also write the JSON lines to this file");
  add_source_options(cmd, args->source);
  set_example(cmd, "  frugal bench precision --model model.pt --input batch.safetensors --precisions fp32,bf16,int8 --runs 5");
  table.add(cmd, [args, &global] { return run_bench_precision(*args, global); });
}

}  // namespace frugal::cli
