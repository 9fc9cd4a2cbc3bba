// frugal distill label | train: a fine-tuned teacher's logits for every row (cached, with the
// teacher's and the input's checksums), then a student trained on them (Tang et al. 2019).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "apps/cli/classifier_training.h"
#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/sha256.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/precision_torch.h"
#include "nn/safetensors.h"
#include "nn/safetensors_torch.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

struct LabelArgs {
  std::string teacher, input, out;
  ClassifierInferenceArgs run;
};

struct DistillArgs {
  ClassifierArgs classifier;
  std::string logits, teacher, hard_labels = "gold";
  DistillationLoss loss;
};

struct LogitsCache {
  std::string teacher_sha256, input_sha256, teacher;
  std::vector<std::string> labels;
  torch::Tensor logits;
};

LogitsCache read_cache(const std::string& path) {
  const auto file = SafetensorsFile::open(path);
  const auto& meta = file.metadata();
  LogitsCache c;
  for (const auto* key : {"teacher_sha256", "input_sha256", "teacher", "id2label"}) {
    if (!meta.count(key)) throw InputError(InputLocation{path, 0, 0, key}, "not a teacher-logits file (frugal distill label writes them)");
  }
  c.teacher_sha256 = meta.at("teacher_sha256");
  c.input_sha256 = meta.at("input_sha256");
  c.teacher = meta.at("teacher");
  c.labels = LabelSet::from_config({{"id2label", parse_config_json(meta.at("id2label"), path + " id2label")}}, path).names();
  for (auto& [name, tensor] : load_safetensors(path)) {
    if (name == "logits") c.logits = tensor.to(torch::kFloat32);
  }
  if (!c.logits.defined() || c.logits.dim() != 2 || c.logits.size(1) != static_cast<std::int64_t>(c.labels.size())) {
    throw InputError(InputLocation{path, 0, 0, "logits"}, "a (rows, labels) logits tensor is needed");
  }
  return c;
}

// The one-line refusal of a cache made from other inputs.
void check_cache(const std::string& path, const LogitsCache& c, const std::string& teacher_sha, const std::string& input_sha) {
  if ((teacher_sha.empty() || c.teacher_sha256 == teacher_sha) && c.input_sha256 == input_sha) return;
  throw InputError(InputLocation{path}, fmt::format("stale teacher logits: made by teacher {} from input {}, now teacher {} and input {}; "
                                                    "delete the file or give another --out",
                                                    c.teacher_sha256.substr(0, 16), c.input_sha256.substr(0, 16),
                                                    teacher_sha.empty() ? "(not given)" : teacher_sha.substr(0, 16), input_sha.substr(0, 16)));
}

int run_label(const LabelArgs& a, const GlobalOptions& global) {
  const auto teacher_sha = sha256_file(a.teacher + "/model.safetensors");
  const auto input_sha = sha256_file(a.input);
  if (std::filesystem::exists(a.out)) {
    const auto cached = read_cache(a.out);
    check_cache(a.out, cached, teacher_sha, input_sha);
    std::cerr << fmt::format("{}: up to date ({} rows, teacher {})\n", a.out, cached.logits.size(0), teacher_sha.substr(0, 16));
    return 0;
  }
  const auto device = parse_device(a.run.device);
  auto model = Model::load(a.teacher, device);
  const auto config_path = a.teacher + "/config.json";
  const auto labels = LabelSet::from_config(parse_config_json(model.config_json(), config_path), config_path);
  const auto max_length = classify_max_length(a.run.max_length, model);
  model.check_length(max_length);
  to_precision(model, device, parse_precision(a.run.precision));
  model.module()->eval();
  const auto tokenizer = load_tokenizer(tokenizer_for_model(a.teacher, ""));
  const auto examples = read_text_examples(a.input, a.run.columns, LabelNeed::kOptional);
  ClassifyInferenceOptions options;
  options.batch_size = a.run.batch_size;
  options.max_length = max_length;
  options.threads = worker_threads(global.threads);
  const auto encoded = encode_texts(tokenizer, examples, max_length, options.threads);
  const auto logits = classify_logits(model, encoded, options);
  nlohmann::json id2label = nlohmann::json::object();
  for (std::size_t i = 0; i < labels.size(); ++i) id2label[std::to_string(i)] = labels.names()[i];
  save_safetensors(a.out, {{"logits", logits}},
                   {{"teacher_sha256", teacher_sha},
                    {"input_sha256", input_sha},
                    {"teacher", std::filesystem::absolute(a.teacher).lexically_normal().string()},
                    {"input", a.input},
                    {"id2label", id2label.dump()}});
  std::cerr << fmt::format("{}: logits of {} rows by {} (teacher {})\n", a.out, examples.size(), a.teacher, teacher_sha.substr(0, 16));
  return 0;
}

int run_distill_train(DistillArgs a, const GlobalOptions& global) {
  auto& c = a.classifier;
  require_seed(c.common);
  const auto device = parse_device(c.common.device);
  const auto cache = read_cache(a.logits);
  check_cache(a.logits, cache, a.teacher.empty() ? "" : sha256_file(a.teacher + "/model.safetensors"), sha256_file(c.train));
  const auto teacher_dir = a.teacher.empty() ? cache.teacher : a.teacher;
  const auto tokenizer_path = classifier_tokenizer(c, std::filesystem::is_directory(teacher_dir) ? tokenizer_for_model(teacher_dir, "") : "");
  const auto tokenizer = load_tokenizer(tokenizer_path);
  const LabelSet labels(cache.labels);
  const auto examples = read_text_examples(c.train, c.columns, LabelNeed::kOptional);
  if (static_cast<std::int64_t>(examples.size()) != cache.logits.size(0)) {
    throw InputError(InputLocation{a.logits}, fmt::format("{} rows of logits, {} has {}", cache.logits.size(0), c.train, examples.size()));
  }
  // The CE term's labels: the row's own where it has one (unless --hard-labels teacher), else
  // the teacher's argmax (Tang et al.: augmented rows take the teacher's).
  const auto teacher_argmax = cache.logits.argmax(1);
  std::vector<std::int64_t> ids;
  std::size_t from_teacher = 0;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (a.hard_labels == "gold" && !examples[i].label.empty()) {
      ids.push_back(labels.id_of(examples[i], c.train));
    } else {
      ids.push_back(teacher_argmax[static_cast<std::int64_t>(i)].item<std::int64_t>());
      ++from_teacher;
    }
  }
  auto model = classifier_to_train(c, labels, tokenizer, device);
  const auto max_length = classify_max_length(c.max_length, *model);
  model->check_length(max_length);
  const auto encoded = encode_texts(tokenizer, examples, max_length, worker_threads(global.threads));
  spdlog::info("distill: {} rows ({} with the teacher's label), loss {} alpha {} T {}", examples.size(), from_teacher, a.loss.kind,
               a.loss.alpha, a.loss.temperature);
  const auto loss = a.loss;
  return run_classifier_training(c, *model, tokenizer_path, labels, encoded, ids, cache.logits,
                                 [loss](Model& m, const TrainBatch& b) { return loss(m, b); },
                                 {{"arch", model->architecture()}, {"teacher_sha256", cache.teacher_sha256}, {"loss", loss.kind},
                                  {"alpha", loss.alpha}, {"temperature", loss.temperature}},
                                 global);
}

}  // namespace

void register_distill_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* distill = app.add_subcommand("distill", "Distil a fine-tuned classifier into a student: label (teacher logits), train");
  distill->require_subcommand(1);

  auto* label = distill->add_subcommand("label", "The teacher's logits of every TSV row, cached in safetensors with checksums");
  auto l = std::make_shared<LabelArgs>();
  label->add_option("--teacher", l->teacher, "The teacher's model directory (classify train's DIR/model)")->required()->check(CLI::ExistingDirectory);
  label->add_option("--input", l->input, "TSV rows: originals and augmented (frugal augment tang, frugal mask)")->required()->check(CLI::ExistingFile);
  label->add_option("--out", l->out, "safetensors: logits (rows, labels); kept when up to date, refused when stale")->required();
  add_classifier_inference_options(label, l->run, false);
  set_example(label, "  frugal distill label --teacher runs/bert-cls/model --input sst2-aug.tsv --out sst2-aug.logits.safetensors");
  table.add(label, [l, &global] { return run_label(*l, global); });

  auto* train_cmd = distill->add_subcommand("train", "Train a student on the teacher's logits (and labels)");
  auto d = std::make_shared<DistillArgs>();
  d->classifier.common.lr = 1e-3;
  add_classifier_options(train_cmd, d->classifier);
  train_cmd->add_option("--logits", d->logits, "distill label's output for the --train rows")->required()->check(CLI::ExistingFile);
  train_cmd->add_option("--teacher", d->teacher, "The teacher directory (checked against the logits; default: the one they name)");
  train_cmd->add_option("--alpha", d->loss.alpha, "Weight of the label cross-entropy (the rest: the teacher term)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  train_cmd->add_option("--loss", d->loss.kind, "mse (on logits, Tang et al.) or soft-ce (temperature softmax, x T^2)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mse", "soft-ce"}));
  train_cmd->add_option("--temperature", d->loss.temperature, "soft-ce temperature")->capture_default_str()->check(CLI::PositiveNumber);
  train_cmd->add_option("--hard-labels", d->hard_labels, "CE labels: gold (the row's, else the teacher's argmax) or teacher")
      ->capture_default_str()
      ->check(CLI::IsMember({"gold", "teacher"}));
  add_train_options(train_cmd, d->classifier.common, "Output directory: model/, best/ (with --dev), checkpoints/, metrics.jsonl", true);
  set_example(train_cmd, "  frugal distill train --train sst2-aug.tsv --logits sst2-aug.logits.safetensors --arch bilstm \\\n"
                         "      --dev sst2/dev.tsv --epochs 3 --seed 1 --out runs/student");
  table.add(train_cmd, [d, &global] { return run_distill_train(*d, global); });
}

}  // namespace frugal::cli
