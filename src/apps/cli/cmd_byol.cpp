// frugal byol pretrain: self-supervised pretraining of an image backbone with BYOL on
// unlabelled images (e.g. the target domain's); DIR/model is the online backbone, which
// `image train --init` fine-tunes.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <iostream>

#include "apps/cli/image_options.h"
#include "apps/cli/train_args.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "nn/byol_family_torch.h"
#include "nn/cnn_family_torch.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/model_dir_torch.h"
#include "nn/resnetv2_family_torch.h"
#include "tasks/image/byol_torch.h"
#include "tasks/image/image_model_torch.h"

namespace frugal::cli {
namespace {

struct ByolArgs {
  std::string images, arch = "cnn", model_config, projector_norm = "layer_norm", tau_schedule = "cosine";
  AugmentArgs augment;
  std::size_t batch_size = 256;
  std::uint64_t steps = 0, epochs = 0;
  double time_budget = 0;  // seconds (0: --steps or --epochs)
  std::int64_t projection_hidden_size = 4096, projection_size = 256;
  double tau = 0.99;
  TrainArgs common;
};

nlohmann::json backbone_config(const ByolArgs& a, const ImageSet& images) {
  nlohmann::json c = nlohmann::json::object();
  if (!a.model_config.empty()) c = parse_config_json(read_file(a.model_config), a.model_config);
  const auto& first = images.images.front();
  if (!c.contains("num_channels")) c["num_channels"] = first.channels == 1 ? 1 : 3;
  if (!c.contains("image_size")) c["image_size"] = nlohmann::json::array({first.height, first.width});
  if (a.arch == "cnn") c["architectures"] = {kCnnModel}, c["model_type"] = "frugal_cnn";
  else if (a.arch == "resnet") c["architectures"] = {kResNetV2Model}, c["model_type"] = "frugal_resnetv2";
  else throw InputError("--arch must be cnn or resnet, not '" + a.arch + "'");
  return c;
}

int run_byol_pretrain(const ByolArgs& a, const GlobalOptions& global) {
  const auto started = std::chrono::steady_clock::now();
  require_seed(a.common);
  if (a.steps > 0 && a.epochs > 0) throw InputError("give one of --steps and --epochs");
  if (a.steps == 0 && a.epochs == 0 && a.time_budget <= 0) throw InputError("give --steps, --epochs or --time-budget");
  const auto device = parse_device(a.common.device);
  const int threads = worker_threads(global.threads);
  const auto images = load_images(a.images, ImageLabels::kIgnored, global);
  const nlohmann::json config = {{"backbone", backbone_config(a, images)},
                                 {"projection_hidden_size", a.projection_hidden_size},
                                 {"projection_size", a.projection_size},
                                 {"projector_norm", a.projector_norm}};
  const auto make_model = [&] {
    Model m(kByolModel, config.dump(), a.model_config.empty() ? "--arch " + a.arch : a.model_config, a.common.seed);
    m.to(device, torch::kFloat32);
    m.module()->train();
    return m;
  };
  Model model = make_model();
  // The backbone's input is the data's: the BYOL config holds it under "backbone".
  const auto full = parse_config_json(model.config_json(), "config.json");
  const auto spec = parse_image_input(full["backbone"], "config.json: backbone");
  const auto augment = augment_from(a.augment, images);
  ImageBatchOptions bo;
  bo.batch_size = a.batch_size;
  bo.seed = a.common.seed;
  bo.threads = threads;
  bo.two_views = true;
  bo.device = device;
  auto source = image_batch_source(images, spec, augment, bo);
  std::uint64_t total = a.steps > 0 ? a.steps : steps_for_epochs(a.common, a.epochs, source->batches_per_epoch());
  const auto byol_options = [&](std::uint64_t steps) {
    auto o = trainer_options(a.common, steps, false, global);
    o.data_name = a.images;
    o.throughput_unit = "images";  // counts both views
    o.save_final_model = false;
    return o;
  };
  auto options = byol_options(std::max<std::uint64_t>(total, 1));
  ByolObjective objective;
  double tau_now = a.tau;
  options.window_metrics = [&] {
    auto j = objective.take_diagnostics();
    j["tau"] = tau_now;
    return j;
  };
  options.after_step = [&](Model& m, std::uint64_t step) {
    tau_now = byol_tau(a.tau, a.tau_schedule, step, total);
    update_byol_target(m, tau_now);
  };
  const LossFn loss = [&](Model& m, const TrainBatch& batch) { return objective.loss(m, batch); };
  nlohmann::json summary;
  const auto segment = [&](std::uint64_t steps, std::uint64_t warmup, std::uint64_t pause_after, bool continuing) {
    total = steps;  // the target's decay schedule
    auto o = byol_options(steps);
    o.window_metrics = options.window_metrics;
    o.after_step = options.after_step;
    o.lr.warmup_steps = warmup;
    o.pause_after = pause_after;
    if (continuing) o.resume = true;
    return frugal::train(model, *source, loss, [](Model&) { return nlohmann::json{{"loss", 0.0}}; }, o, nullptr);
  };
  TrainResult result;
  if (a.time_budget > 0) {
    // The calibration's steps run the same hooks (the target's update is part of a step's cost).
    auto plan = time_budget_plan(a.common, a.time_budget, total, started, true, [&] {
      Model throwaway = make_model();
      auto data = image_batch_source(images, spec, augment, bo);
      return calibrate_training(throwaway, *data, loss, nullptr, options, nullptr, a.time_budget, total);
    });
    // Not planned again at the warm-up's end: the target's decay follows the total from step 1.
    result = train_planned(plan, started, a.common.out, true, /*schedule=*/nullptr, nullptr, segment);
    summary["time_budget"] = plan.to_json();
  } else {
    result = segment(total, warmup_steps_of(a.common, total), 0, false);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (result.interrupted) return 128 + SIGTERM;
  auto backbone = byol_backbone(model);
  backbone.save(a.common.out + "/model");
  model.save(a.common.out + "/byol");
  summary.update({{"steps", result.steps}, {"images", images.size()}, {"backbone", backbone.architecture()},
                  {"backbone_parameters", backbone.parameter_count()}, {"parameters", model.parameter_count()},
                  {"seconds", seconds}, {"model", a.common.out + "/model"}, {"augment", augment.to_json()}});
  std::cout << summary.dump() << "\n";
  return 0;
}

}  // namespace

void register_byol_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* byol = app.add_subcommand("byol", "Self-supervised image pretraining (BYOL): pretrain");
  byol->require_subcommand(1);
  auto* pretrain = byol->add_subcommand("pretrain", "BYOL on unlabelled images; DIR/model is a backbone for `image train --init`");
  auto a = std::make_shared<ByolArgs>();
  a->common.lr = 3e-4;  // byol-pytorch's Adam rate: LARS-sized rates collapse
  a->common.weight_decay = 0;
  a->common.warmup = 0;
  a->common.schedule = "constant";
  a->augment.preset = "auto";
  pretrain->add_option("--images", a->images, "Images (labels ignored): NAME:SPLIT, IMAGES[,LABELS] or a folder")->required();
  pretrain->add_option("--arch", a->arch, "Backbone: cnn (FrugalCnnModel) or resnet (FrugalResNetV2Model)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cnn", "resnet"}));
  pretrain->add_option("--model-config", a->model_config, "The backbone's config.json fields (nn/image_config.h)")->check(CLI::ExistingFile);
  pretrain->add_option("--steps", a->steps, "Optimizer steps (or --epochs, or --time-budget)");
  pretrain->add_option("--epochs", a->epochs, "Passes over the images (or --steps, or --time-budget)");
  add_time_budget_option(pretrain, a->time_budget, /*replans=*/false);
  pretrain->add_option("--batch-size", a->batch_size, "Images per micro-batch (two views each)")->capture_default_str()->check(CLI::PositiveNumber);
  pretrain->add_option("--projection-hidden-size", a->projection_hidden_size, "Projector / predictor hidden width")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  pretrain->add_option("--projection-size", a->projection_size, "Projection size")->capture_default_str()->check(CLI::PositiveNumber);
  pretrain->add_option("--projector-norm", a->projector_norm, "layer_norm (the seed's), batch_norm (the paper's) or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"layer_norm", "batch_norm", "none"}));
  pretrain->add_option("--tau", a->tau, "Target decay (its base value when cosine-scheduled)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  pretrain->add_option("--tau-schedule", a->tau_schedule, "constant, or cosine from --tau to 1")
      ->capture_default_str()
      ->check(CLI::IsMember({"constant", "cosine"}));
  add_augment_options(pretrain, a->augment, "default auto: digits for grey images, natural for colour");
  add_train_options(pretrain, a->common, "Output directory: model/ (the backbone), byol/ (the whole BYOL model), checkpoints/, metrics.jsonl",
                    false);
  set_example(pretrain, "  frugal byol pretrain --images usps:train --arch cnn --steps 2000 --seed 1 --out runs/byol-usps\n"
                        "  frugal image train --train mnist:train --init runs/byol-usps/model --freeze-backbone-steps 300 --seed 1 --out runs/ft");
  table.add(pretrain, [a, &global] { return run_byol_pretrain(*a, global); });
}

}  // namespace frugal::cli
