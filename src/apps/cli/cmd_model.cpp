// frugal model init | info | forward | convert: create, inspect, run and re-type HF-layout model directories.
#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/token_records.h"
#include "nn/collate_torch.h"
#include "nn/device_torch.h"
#include "nn/precision_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/safetensors.h"
#include "nn/safetensors_torch.h"

namespace frugal::cli {
namespace {

struct InitArgs {
  std::string arch = "bert", head, config, out;
  std::uint64_t seed = 0;
};

struct ForwardArgs {
  std::string model, input, output, device = "cpu", precision = "fp32";
  std::size_t batch_size = 32;
};

int run_init(const InitArgs& args) {
  const auto arch = architecture_for_head(args.arch, args.head);
  const std::string config = args.config.empty() ? "{}" : read_file(args.config);
  Model model(arch, config, args.config.empty() ? "(defaults)" : args.config, args.seed);
  model.save(args.out);
  std::cout << fmt::format("{}: {} with {} parameters\n", args.out, arch, model.parameter_count());
  return 0;
}

int run_info(const std::string& dir, bool list_tensors) {
  const auto model = Model::load(dir);
  const auto weights = SafetensorsFile::open(dir + "/model.safetensors");
  std::map<std::string, std::size_t> dtypes;
  for (const auto& t : weights.tensors()) ++dtypes[to_string(t.dtype)];
  std::string dtype_list;
  for (const auto& [d, n] : dtypes) dtype_list += fmt::format("{}{} ({} tensors)", dtype_list.empty() ? "" : ", ", d, n);
  std::cout << fmt::format("model:        {}\narchitecture: {}\nparameters:   {}\ntensors:      {} in {} bytes, {}\n", dir,
                           model.architecture(), model.parameter_count(), weights.tensors().size(),
                           std::filesystem::file_size(dir + "/model.safetensors"), dtype_list);
  std::cout << "config:       " << nlohmann::json::parse(model.config_json()).dump() << "\n";
  if (list_tensors) {
    for (const auto& t : weights.tensors()) {
      std::string shape;
      for (const auto d : t.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
      std::cout << fmt::format("  {} {} [{}]\n", t.name, to_string(t.dtype), shape);
    }
  }
  return 0;
}

int run_forward(const ForwardArgs& args) {
  const auto device = parse_device(args.device);
  const auto precision = parse_precision(args.precision);
  if (args.batch_size == 0) throw InputError("--batch-size must be positive");
  auto model = Model::load(args.model, device);
  to_precision(model, device, precision);
  model.module()->eval();
  const auto records = read_token_records(args.input, model.vocab_size());
  if (records.empty()) throw InputError(InputLocation{args.input}, "no records");
  for (const auto& r : records) {
    if (static_cast<std::int64_t>(r.input_ids.size()) > model.max_positions()) {
      throw InputError(InputLocation{args.input, r.line}, fmt::format("{} tokens exceed the model's {} positions",
                                                                      r.input_ids.size(), model.max_positions()));
    }
  }
  const auto type_vocab = model.family_model().type_vocab_size();
  for (const auto& r : records) {
    for (const auto t : r.token_type_ids) {
      if (t < 0 || t >= type_vocab) {
        throw InputError(InputLocation{args.input, r.line}, fmt::format("token type {} outside [0, {})", t, type_vocab));
      }
    }
  }
  // One padding length for the whole file, so outputs stack into single tensors.
  const auto all = collate(records, 0, records.size(), model.pad_token_id(), torch::kCPU);
  torch::NoGradGuard no_grad;
  std::map<std::string, std::vector<torch::Tensor>> parts;
  std::vector<std::string> order;
  for (std::size_t begin = 0; begin < records.size(); begin += args.batch_size) {
    const auto n = static_cast<std::int64_t>(std::min(args.batch_size, records.size() - begin));
    const auto b0 = static_cast<std::int64_t>(begin);
    ModelBatch batch;
    batch.input_ids = all.input_ids.narrow(0, b0, n).to(device);
    if (all.token_type_ids.defined()) batch.token_type_ids = all.token_type_ids.narrow(0, b0, n).to(device);
    batch.attention_mask = all.attention_mask.narrow(0, b0, n).to(device);
    for (auto& [name, t] : model.forward(batch)) {
      if (!parts.count(name)) order.push_back(name);
      parts[name].push_back(t.to(torch::kCPU, torch::kFloat32));
    }
  }
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& name : order) tensors.emplace_back(name, torch::cat(parts[name], 0));
  tensors.emplace_back("input_ids", all.input_ids);
  tensors.emplace_back("attention_mask", all.attention_mask);
  save_safetensors(args.output, tensors, {{"format", "pt"}, {"model", args.model}, {"precision", precision_name(precision)}});
  std::cout << fmt::format("{}: {} records, outputs", args.output, records.size());
  for (const auto& name : order) std::cout << " " << name;
  std::cout << "\n";
  return 0;
}

// The model's weights in `dtype` (fp32, bf16, fp16: e.g. a checkpoint small enough to ship),
// with its tokenizer files; loading converts them back to the parameters' fp32.
int run_convert(const std::string& dir, const std::string& dtype, const std::string& out) {
  const auto model = Model::load(dir);
  const std::map<std::string, torch::ScalarType> dtypes = {{"fp32", torch::kFloat32}, {"bf16", torch::kBFloat16}, {"fp16", torch::kFloat16}};
  if (!dtypes.count(dtype)) throw InputError("--dtype must be fp32, bf16 or fp16");
  model.save(out, dtypes.at(dtype));
  copy_tokenizer(dir, out);
  std::cout << fmt::format("{}: {} in {} ({} bytes)\n", out, model.architecture(), dtype,
                           std::filesystem::file_size(out + "/model.safetensors"));
  return 0;
}

}  // namespace

void register_model_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* model = app.add_subcommand("model", "Create, inspect and run models (HF config.json + model.safetensors)");
  model->require_subcommand(1);
  set_example(model, "  frugal model init --arch gpt2 --model-config gpt2-small.json --out models/gpt2-small\n"
                     "  frugal model info models/gpt2-small");

  auto* init = model->add_subcommand("init", "A new model with HF's random initialisation");
  auto init_args = std::make_shared<InitArgs>();
  init->add_option("--arch", init_args->arch, "Model family: bert, gpt2, rnn")->capture_default_str();
  init->add_option("--head", init_args->head, "bert: mlm (default), base, cls, qa, spans; gpt2: lm (default), base; rnn: cls");
  init->add_option("--model-config", init_args->config, "HF config.json fields (BertConfig / GPT2Config); default: HF's defaults")
      ->check(CLI::ExistingFile);
  init->add_option("--seed", init_args->seed, "Seed of the initialisation")->capture_default_str();
  init->add_option("--out", init_args->out, "Model directory to write")->required();
  set_example(init, "  frugal model init --arch bert --head mlm --model-config small.json --out models/bert-small\n"
                    "  # small.json: {\"vocab_size\": 8000, \"hidden_size\": 256, \"num_hidden_layers\": 4,\n"
                    "  #              \"num_attention_heads\": 4, \"intermediate_size\": 1024}");
  table.add(init, [init_args] { return run_init(*init_args); });

  auto* info = model->add_subcommand("info", "Architecture, size, dtypes and (with --tensors) every tensor of a model");
  auto info_dir = std::make_shared<std::string>();
  auto info_tensors = std::make_shared<bool>(false);
  info->add_option("dir", *info_dir, "Model directory")->required();
  info->add_flag("--tensors", *info_tensors, "List every tensor with dtype and shape");
  set_example(info, "  frugal model info models/bert-small --tensors");
  table.add(info, [info_dir, info_tensors] { return run_info(*info_dir, *info_tensors); });

  auto* forward = model->add_subcommand("forward", "Run a model on token ids; write hidden states and logits (safetensors)");
  auto fwd = std::make_shared<ForwardArgs>();
  forward->add_option("--model", fwd->model, "Model directory")->required();
  forward->add_option("--input", fwd->input, "JSONL: {\"input_ids\": [...], \"token_type_ids\": [...]?, \"attention_mask\": [...]?}")
      ->required();
  forward->add_option("--output", fwd->output, "safetensors with last_hidden_state, logits (by head), input_ids, attention_mask")
      ->required();
  forward->add_option("--batch-size", fwd->batch_size, "Records per forward pass")->capture_default_str();
  forward->add_option("--device", fwd->device, "cpu, cuda, cuda:N")->capture_default_str();
  forward->add_option("--precision,--dtype", fwd->precision, "fp32, bf16, fp16 (norms, softmax and masks stay fp32) or int8 (CPU)")->capture_default_str();
  set_example(forward, "  frugal model forward --model models/bert-small --input ids.jsonl --output out.safetensors\n"
                       "  # ids.jsonl, one record per line: {\"input_ids\": [2, 45, 17, 3]}");
  table.add(forward, [fwd] { return run_forward(*fwd); });

  auto* convert = model->add_subcommand("convert", "Write a model's weights in another dtype (with its tokenizer files)");
  auto conv = std::make_shared<std::array<std::string, 3>>();
  (*conv)[1] = "bf16";
  convert->add_option("--model", (*conv)[0], "Model directory")->required();
  convert->add_option("--dtype", (*conv)[1], "fp32, bf16 or fp16")->capture_default_str();
  convert->add_option("--out", (*conv)[2], "Model directory to write")->required();
  set_example(convert, "  frugal model convert --model runs/bert/model --dtype bf16 --out models/bert");
  table.add(convert, [conv] { return run_convert((*conv)[0], (*conv)[1], (*conv)[2]); });
  (void)global;
}

}  // namespace frugal::cli
