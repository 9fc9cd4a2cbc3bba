// frugal image train | eval | predict: image classification with the CNN and ResNet-v2
// families, staged fine-tuning (head first with the backbone frozen, then all) from a BYOL
// backbone or any image model, and evaluation with flip test-time augmentation.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

#include "apps/cli/image_options.h"
#include "apps/cli/train_args.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/parallel.h"
#include "nn/cnn_family_torch.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/precision_torch.h"
#include "nn/image_model_torch.h"
#include "nn/resnetv2_family_torch.h"
#include "tasks/image/image_metrics.h"
#include "tasks/image/image_model_torch.h"
#include "text/python_format.h"

namespace frugal::cli {
namespace {

struct ImageTrainArgs {
  std::string train, dev, arch, model_config, init, normalize = "model";
  AugmentArgs augment;
  std::size_t batch_size = 128;
  std::uint64_t epochs = 10, freeze_backbone_steps = 0;
  double backbone_lr_scale = 1.0;
  TrainArgs common;
};

struct ImageUseArgs {
  std::string model, data, out, tta = "none", normalize = "model";
  std::size_t batch_size = 256;
  std::string device = "cpu", precision = "fp32";
};

// DIR or DIR/model (what `image train` and `byol pretrain` write).
std::string model_dir_of(const std::string& dir) {
  if (!std::filesystem::exists(dir + "/config.json") && std::filesystem::exists(dir + "/model/config.json")) return dir + "/model";
  return dir;
}

Architecture classifier_arch_of(const std::string& arch) {
  if (arch == "cnn") return kCnnForImageClassification;
  if (arch == "resnet") return kResNetV2ForImageClassification;
  throw InputError("--arch must be cnn or resnet, not '" + arch + "'");
}

std::unique_ptr<Model> image_model_to_train(const ImageTrainArgs& a, const ImageSet& train, const std::vector<std::string>& names,
                                            torch::Device device) {
  nlohmann::json labels = {{"num_labels", names.size()}, {"id2label", nlohmann::json::object()}, {"label2id", nlohmann::json::object()}};
  for (std::size_t k = 0; k < names.size(); ++k) {
    labels["id2label"][std::to_string(k)] = names[k];
    labels["label2id"][names[k]] = k;
  }
  if (!a.init.empty()) {
    if (!a.model_config.empty()) throw InputError("give one of --init and --model-config");
    const auto dir = model_dir_of(a.init);
    const auto config_path = dir + "/config.json";
    const auto init = Model::load(dir, device);  // checks its config and weights
    const auto& family = family_of(init.architecture(), config_path);
    const Architecture arch = family.heads.front().second;  // the family's classifier
    if (!a.arch.empty() && classifier_arch_of(a.arch) != arch) {
      throw InputError(InputLocation{config_path}, "--arch " + a.arch + " does not fit the --init model's family (" + family.name + ")");
    }
    auto config = parse_config_json(init.config_json(), config_path);
    config.erase("architectures");
    config.update(labels);
    auto model = std::make_unique<Model>(arch, config.dump(), config_path, a.common.seed);
    // Every tensor of --init that has a place of its shape here: a backbone's under the
    // classifier's prefix, a classifier's own head only when its label set has the same size
    // (otherwise the head starts afresh).
    const auto copied = copy_matching_tensors(*init.module(), *model->module(), model->family_model().base_prefix());
    const auto places = model->module()->named_parameters().size() + model->module()->named_buffers().size();
    spdlog::info("--init {}: {} of {} tensors copied, the rest (the head) new", dir, copied, places);
    model->to(device, torch::kFloat32);
    return model;
  }
  const auto arch = classifier_arch_of(a.arch.empty() ? "cnn" : a.arch);
  nlohmann::json config = nlohmann::json::object();
  if (!a.model_config.empty()) config = parse_config_json(read_file(a.model_config), a.model_config);
  // A new model takes the training images' channels and size unless the config states them.
  const auto& first = train.images.front();
  if (!config.contains("num_channels")) config["num_channels"] = first.channels == 1 ? 1 : 3;
  if (!config.contains("image_size")) config["image_size"] = nlohmann::json::array({first.height, first.width});
  config.update(labels);
  auto model = std::make_unique<Model>(arch, config.dump(), a.model_config.empty() ? "--arch " + a.arch : a.model_config, a.common.seed);
  model->to(device, torch::kFloat32);
  return model;
}

std::vector<std::vector<float>> rows_of(const torch::Tensor& probs) {
  std::vector<std::vector<float>> rows;
  for (std::int64_t i = 0; i < probs.size(0); ++i) rows.emplace_back(probs[i].data_ptr<float>(), probs[i].data_ptr<float>() + probs.size(1));
  return rows;
}

// Probabilities of a model over a set, its input normalised as --normalize says.
torch::Tensor probabilities_for(Model& model, const ImageSet& set, std::size_t batch_size, bool tta, const std::string& normalize,
                                int threads, const std::string& label, Precision precision = Precision::kFp32) {
  const auto device = model.module()->parameters().front().device();
  if (normalize == "model") {
    to_precision(model, device, precision);
    return image_probabilities(model, set, batch_size, tta, threads, label);
  }
  auto adjusted = with_image_input(model, normalised_for(image_input_of(model), set, normalize));
  to_precision(adjusted, device, precision);
  return image_probabilities(adjusted, set, batch_size, tta, threads, label);
}

int run_image_train(const ImageTrainArgs& a, const GlobalOptions& global) {
  require_seed(a.common);
  const auto device = parse_device(a.common.device);
  const int threads = worker_threads(global.threads);
  auto train = load_images(a.train, ImageLabels::kRequired, global);
  const auto names = label_names_of(train);
  auto model = image_model_to_train(a, train, names, device);
  auto spec = image_input_of(*model);
  if (a.normalize == "dataset") {
    // The training set's statistics become the model's normalisation (written to its config).
    spec = normalised_for(spec, train, "dataset");
    *model = with_image_input(*model, spec);
  }  // model: the config's own (CLI11 admits only model | dataset)
  // The set's labels as the model's ids (folder classes through label2id), in place: the images
  // are not copied.
  train.labels = labels_for_model(train, parse_config_json(model->config_json(), "config.json"), a.train);
  ImageSet dev;
  if (!a.dev.empty()) {
    dev = load_images(a.dev, ImageLabels::kRequired, global);
    dev.labels = labels_for_model(dev, parse_config_json(model->config_json(), "config.json"), a.dev);
  }
  const auto augment = augment_from(a.augment, train);
  ImageBatchOptions bo;
  bo.batch_size = a.batch_size;
  bo.seed = a.common.seed;
  bo.threads = threads;
  bo.device = device;
  auto source = image_batch_source(train, spec, augment, bo);
  auto options = trainer_options(a.common, steps_for_epochs(a.common, a.epochs, source->batches_per_epoch()), !dev.empty(), global);
  options.data_name = a.train;
  options.throughput_unit = "images";
  if (a.freeze_backbone_steps > 0) {
    options.before_step = [n = a.freeze_backbone_steps, frozen = std::optional<bool>()](Model& m, std::uint64_t step) mutable {
      const bool freeze = step < n;
      if (frozen == freeze) return;
      set_backbone_trainable(m, !freeze);
      if (frozen.has_value() || freeze) spdlog::info("step {}: backbone {}", step, freeze ? "frozen (head only)" : "unfrozen (all layers)");
      frozen = freeze;
    };
  }
  if (a.backbone_lr_scale != 1.0) {
    options.lr_scale = [prefix = model->family_model().base_prefix(), scale = a.backbone_lr_scale](const std::string& name) {
      return !prefix.empty() && name.compare(0, prefix.size(), prefix) == 0 ? scale : 1.0;
    };
  }
  const EvalFn evaluate = [&](Model& m) -> nlohmann::json {
    if (dev.empty()) return {{"loss", 0.0}};
    const auto probs = image_probabilities(m, dev, 256, false, threads);
    auto scores = score_images(rows_of(probs), dev.labels, names);
    scores.erase("per_class");
    scores["loss"] = -scores.at("accuracy").get<double>();  // the trainer minimises
    m.module()->train();
    return scores;
  };
  model->module()->train();
  const auto result = frugal::train(*model, *source, image_classification_loss, evaluate, options, nullptr);
  if (result.interrupted) return 128 + SIGTERM;
  nlohmann::json summary = {{"arch", model->architecture()}, {"steps", result.steps}, {"train_images", train.size()},
                            {"parameters", model->parameter_count()}, {"labels", names}, {"model", a.common.out + "/model"},
                            {"augment", augment.to_json()}};
  if (!dev.empty()) {
    summary["dev"] = evaluate(*model);
    summary["dev"].erase("loss");
    summary["best_dev_accuracy"] = -result.best_eval;
  }
  std::cout << summary.dump() << "\n";
  return 0;
}

struct ScoredImages {
  std::unique_ptr<Model> model;
  nlohmann::json config;
  ImageSet set;
  torch::Tensor probabilities;
};

ScoredImages score_set(const ImageUseArgs& a, ImageLabels need, const GlobalOptions& global) {
  if (a.tta != "none" && a.tta != "flip") throw InputError("--tta must be none or flip, not '" + a.tta + "'");
  ScoredImages s;
  const auto dir = model_dir_of(a.model);
  s.model = std::make_unique<Model>(Model::load(dir, parse_device(a.device)));
  s.config = parse_config_json(s.model->config_json(), dir + "/config.json");
  s.set = load_images(a.data, need, global);
  if (s.set.labelled()) s.set.labels = labels_for_model(s.set, s.config, dir);
  s.probabilities = probabilities_for(*s.model, s.set, a.batch_size, a.tta == "flip", a.normalize, worker_threads(global.threads),
                                      global.no_progress ? "" : "images", parse_precision(a.precision));
  return s;
}

int run_image_eval(const ImageUseArgs& a, const GlobalOptions& global) {
  const auto s = score_set(a, ImageLabels::kRequired, global);
  auto scores = score_images(rows_of(s.probabilities), s.set.labels, id2label_names(s.config, s.probabilities.size(1)));
  scores["tta"] = a.tta;
  std::cout << scores.dump() << "\n";
  return 0;
}

int run_image_predict(const ImageUseArgs& a, const GlobalOptions& global) {
  AtomicFile out(a.out);  // an unwritable --out fails before the work
  const auto s = score_set(a, ImageLabels::kIgnored, global);
  for (std::int64_t i = 0; i < s.probabilities.size(0); ++i) {
    const auto* p = s.probabilities[i].data_ptr<float>();
    std::int64_t best = 0;
    for (std::int64_t k = 1; k < s.probabilities.size(1); ++k) best = p[k] > p[best] ? k : best;
    std::string line = "{";
    if (!s.set.paths.empty()) {
      line += "\"path\": ";
      append_json_string(line, s.set.paths[static_cast<std::size_t>(i)]);
      line += ", ";
    }
    line += fmt::format("\"prediction\": {}, \"probs\": [", best);
    for (std::int64_t k = 0; k < s.probabilities.size(1); ++k) line += (k ? ", " : "") + py::float_repr(p[k]);
    out.write(line + "]}\n");
  }
  out.commit();
  std::cerr << fmt::format("{}: {} images\n", a.out, s.set.size());
  return 0;
}

void add_use_options(CLI::App* cmd, ImageUseArgs& a) {
  cmd->add_option("--model", a.model, "An image classifier (image train's DIR or DIR/model)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", a.data, "NAME:SPLIT (" + [] {
    std::string s;
    for (const auto& n : registered_image_sets()) s += (s.empty() ? "" : ", ") + n;
    return s;
  }() + "), IMAGES,LABELS (IDX, gzip or not), IMAGES, or an image folder")->required();
  cmd->add_option("--tta", a.tta, "Test-time augmentation: none, flip (probabilities averaged with the mirrored image's)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "flip"}));
  cmd->add_option("--normalize", a.normalize, "model (its config's mean/std) or dataset (the data's own statistics)")
      ->capture_default_str()
      ->check(CLI::IsMember({"model", "dataset"}));
  cmd->add_option("--batch-size", a.batch_size, "Images per forward")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--device", a.device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_option("--precision", a.precision, "fp32, bf16, fp16 (norms stay fp32) or int8 (CPU: Linear layers)")->capture_default_str();
}

}  // namespace

void register_image_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* image = app.add_subcommand("image", "Image classification (CNN, ResNet-v2): train (staged from a backbone), eval, predict");
  image->require_subcommand(1);

  auto* train_cmd = image->add_subcommand("train", "Train an image classifier; --init a backbone (byol pretrain) for staged fine-tuning");
  auto a = std::make_shared<ImageTrainArgs>();
  a->common.lr = 1e-3;
  a->common.weight_decay = 1e-4;
  a->common.warmup = 0.05;
  train_cmd->add_option("--train", a->train, "Labelled images: NAME:SPLIT, IMAGES,LABELS or a class-folder tree")->required();
  train_cmd->add_option("--dev", a->dev, "Labelled images scored (accuracy) every --eval-every steps and at the end; best/ keeps the best");
  train_cmd->add_option("--arch", a->arch, "cnn (LeNet-style, FrugalCnn) or resnet (ResNet-v2 with GroupNorm + WS); default cnn, or --init's")
      ->check(CLI::IsMember({"cnn", "resnet"}));
  train_cmd->add_option("--model-config", a->model_config, "config.json fields of a new model (nn/image_config.h)")->check(CLI::ExistingFile);
  train_cmd->add_option("--init", a->init, "Start from this model directory: a backbone (byol pretrain's) or a classifier")
      ->check(CLI::ExistingDirectory);
  train_cmd->add_option("--freeze-backbone-steps", a->freeze_backbone_steps,
                        "Train only the head for this many steps, then every layer (staged fine-tuning)")->capture_default_str();
  train_cmd->add_option("--backbone-lr-scale", a->backbone_lr_scale,
                        "The backbone's learning rate as a fraction of --lr (discriminative fine-tuning of a pretrained backbone)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  train_cmd->add_option("--epochs", a->epochs, "Passes over the training images")->capture_default_str();
  train_cmd->add_option("--batch-size", a->batch_size, "Images per micro-batch")->capture_default_str()->check(CLI::PositiveNumber);
  train_cmd->add_option("--normalize", a->normalize, "model (the config's mean/std) or dataset (the training images' own, written to the config)")
      ->capture_default_str()
      ->check(CLI::IsMember({"model", "dataset"}));
  add_augment_options(train_cmd, a->augment, "default none");
  add_train_options(train_cmd, a->common, "Output directory: model/, best/ (with --dev), checkpoints/, metrics.jsonl", true);
  set_example(train_cmd, "  frugal image train --train mnist:train --dev usps:test --arch cnn --epochs 5 --seed 1 --out runs/mnist\n"
                         "  frugal image train --train mnist:train --init runs/byol/model --freeze-backbone-steps 200 --epochs 5 \\\n"
                         "      --seed 1 --out runs/byol-ft");
  table.add(train_cmd, [a, &global] { return run_image_train(*a, global); });

  auto* eval = image->add_subcommand("eval", "Accuracy, macro-F1, log loss (clipped 1e-5), macro AUC, per-class counts (one JSON line)");
  auto e = std::make_shared<ImageUseArgs>();
  add_use_options(eval, *e);
  set_example(eval, "  frugal image eval --model runs/mnist/model --data usps:test --tta flip");
  table.add(eval, [e, &global] { return run_image_eval(*e, global); });

  auto* predict = image->add_subcommand("predict", "Class probabilities per image: JSONL {\"prediction\": K, \"probs\": [...]} in input order");
  auto p = std::make_shared<ImageUseArgs>();
  add_use_options(predict, *p);
  predict->add_option("--out", p->out, "JSONL, one line per image (with \"path\" for image files)")->required();
  set_example(predict, "  frugal image predict --model runs/mnist/model --data photos/ --out probs.jsonl");
  table.add(predict, [p, &global] { return run_image_predict(*p, global); });
}

}  // namespace frugal::cli
