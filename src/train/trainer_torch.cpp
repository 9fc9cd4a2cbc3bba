#include "train/trainer_torch.h"

#include <ATen/autocast_mode.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/version.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <optional>

#include "core/directory_lock.h"
#include "core/error.h"
#include "core/fingerprint.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "core/rng.h"
#include "train/checkpoint_torch.h"

namespace frugal {
namespace {

std::atomic<int> g_stop_signal{0};
extern "C" void remember_stop_signal(int sig) { g_stop_signal.store(sig); }

// While training, SIGINT/SIGTERM only set a flag: the loop then checkpoints and exits.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal.store(0);
    struct sigaction action {};
    action.sa_handler = remember_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  int signal() const { return g_stop_signal.load(); }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

// libtorch 2.4 made autocast's switches take the device type and deprecated the per-device
// ones (1.13 has only those); 2.x builds use the new ones so a later release can drop the old.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
void set_autocast(at::DeviceType type, bool enabled, at::ScalarType dtype) {
  if (enabled) at::autocast::set_autocast_dtype(type, dtype);
  at::autocast::set_autocast_enabled(type, enabled);
}
#else
void set_autocast(at::DeviceType type, bool enabled, at::ScalarType dtype) {
  if (type == at::kCPU) {
    if (enabled) at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  } else {
    if (enabled) at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  }
}
#endif

class AutocastScope {
 public:
  AutocastScope(const std::string& mode, const torch::Device& device) {
    if (mode == "bf16" && !device.is_cuda()) {
      type_ = at::kCPU;
      set_autocast(at::kCPU, true, torch::kBFloat16);
    } else if (mode == "bf16" || mode == "fp16") {
      type_ = at::kCUDA;
      set_autocast(at::kCUDA, true, mode == "bf16" ? torch::kBFloat16 : torch::kFloat16);
    }
  }
  ~AutocastScope() {
    if (!type_) return;
    set_autocast(*type_, false, torch::kFloat32);
    at::autocast::clear_cache();
  }

 private:
  std::optional<at::DeviceType> type_;
};

std::uint64_t state_number(const std::string& dir, const nlohmann::json& state, const char* key) {
  if (!state.contains(key) || !state[key].is_number_unsigned()) {
    throw InputError(InputLocation{dir + "/state.json"}, std::string("has no valid '") + key + "'");
  }
  return state[key].get<std::uint64_t>();
}

}  // namespace

bool no_weight_decay(const std::string& name) {
  const auto ends = [&](const std::string& s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  return ends("bias") || name.find("LayerNorm.") != std::string::npos || name.find("ln_") != std::string::npos ||
         name.find("norm.") != std::string::npos;
}

TrainResult train(Model& model, BatchSource& data, const LossFn& loss_fn, const EvalFn& evaluate,
                  const TrainerOptions& options, DataParallel* parallel) {
  if (options.autocast != "none" && options.autocast != "bf16" && options.autocast != "fp16") {
    throw InputError("--autocast must be none, bf16 or fp16, not '" + options.autocast + "'");
  }
  if (options.grad_accum == 0) throw InputError("--grad-accum must be positive");
  const int rank = parallel ? parallel->rank() : 0;
  const int world = parallel ? parallel->world_size() : 1;
  const bool leader = rank == 0;
  auto module = model.module();
  const auto params = module->parameters();
  const auto device = params.front().device();
  const bool loss_scaling = options.autocast == "fp16";
  if (loss_scaling && !device.is_cuda()) throw InputError("--autocast fp16 needs a CUDA device; use bf16 on CPU");

  // Parameter groups: with and without weight decay, per learning-rate scale (one scale
  // unless options.lr_scale says otherwise), in the order the parameters first name them.
  std::vector<double> scales;
  std::vector<std::vector<torch::Tensor>> decay, plain;
  for (const auto& p : module->named_parameters()) {
    const double scale = options.lr_scale ? options.lr_scale(p.key()) : 1.0;
    auto at = std::find(scales.begin(), scales.end(), scale);
    if (at == scales.end()) {
      scales.push_back(scale);
      decay.emplace_back();
      plain.emplace_back();
      at = scales.end() - 1;
    }
    const auto k = static_cast<std::size_t>(at - scales.begin());
    (no_weight_decay(p.key()) ? plain[k] : decay[k]).push_back(p.value());
  }
  auto adamw = [&](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(options.lr.peak)
                                                            .betas({options.beta1, options.beta2})
                                                            .eps(options.adam_eps)
                                                            .weight_decay(wd));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  std::vector<double> group_scales;
  for (std::size_t k = 0; k < scales.size(); ++k) {
    groups.emplace_back(decay[k], adamw(options.weight_decay));
    groups.emplace_back(plain[k], adamw(0.0));
    group_scales.insert(group_scales.end(), {scales[k], scales[k]});
  }
  torch::optim::AdamW optimizer(std::move(groups), *adamw(options.weight_decay));

  const std::string root = options.out_dir + "/checkpoints";
  TrainResult result;
  std::uint64_t step = 0, epoch = 0;
  double best = std::numeric_limits<double>::infinity();
  int bad_evals = 0;
  double loss_scale = 65536.0;
  nlohmann::json data_state;
  std::optional<std::uint64_t> saved_step;
  // One run per output directory: a second one would interleave metrics and race on pruning.
  std::optional<DirectoryLock> lock;
  if (leader) lock.emplace(options.out_dir);
  if (!options.resume && leader && std::filesystem::exists(root)) {
    // Afresh means afresh: an earlier run's checkpoints would otherwise be mixed with this one's.
    spdlog::info("--no-resume: removing the earlier run's checkpoints in {}", root);
    std::filesystem::remove_all(root);
  }
  if (options.resume) {
    if (const auto dir = latest_checkpoint(root)) {
      const auto st = load_checkpoint(*dir, model, optimizer);
      // A resumed run must be the same run: another seed, batch size or corpus would mix two.
      check_fingerprint(*dir, st.value("fingerprint", nlohmann::json()), options.fingerprint,
                        "rerun with its options, or --no-resume to start afresh");
      step = state_number(*dir, st, "step");
      epoch = state_number(*dir, st, "epoch");
      saved_step = step;
      if (st.contains("best_eval") && st["best_eval"].is_number()) best = st["best_eval"].get<double>();
      bad_evals = st.value("bad_evals", 0);
      loss_scale = st.value("loss_scale", loss_scale);
      if (!st.contains("data")) throw InputError(InputLocation{*dir + "/state.json"}, "has no 'data'");
      data_state = st.at("data");
      data.restore(data_state);
      result.checkpoint = *dir;
      if (leader) spdlog::info("resumed from {} (step {})", *dir, step);
    }
  }
  if (parallel && step == 0) parallel->broadcast_parameters(params);

  std::unique_ptr<MetricsWriter> metrics_file;
  if (leader) {
    std::filesystem::create_directories(options.out_dir);
    metrics_file = std::make_unique<MetricsWriter>(options.out_dir + "/metrics.jsonl");
  } else {
    metrics_file = std::make_unique<MetricsWriter>();
  }
  MetricsWriter& metrics = *metrics_file;
  ProgressOptions po;
  po.label = "train";
  po.unit = "steps";
  po.enabled = options.progress && leader;
  Progress progress(options.lr.total_steps, po);
  progress.skip(step);
  StopSignals signals;

  auto state_json = [&] {
    const nlohmann::json best_json = std::isfinite(best) ? nlohmann::json(best) : nlohmann::json();  // JSON has no infinity
    return nlohmann::json{{"step", step},     {"epoch", epoch},          {"best_eval", best_json}, {"bad_evals", bad_evals},
                          {"loss_scale", loss_scale}, {"data", data_state}, {"world_size", world},
                          {"grad_accum", options.grad_accum}, {"fingerprint", options.fingerprint}};
  };
  auto checkpoint = [&] {
    if (leader) result.checkpoint = save_checkpoint(root, step, model, optimizer, state_json(), options.keep_last);
    if (parallel) parallel->barrier();
    saved_step = step;
  };

  const std::size_t micro_per_step = options.grad_accum * static_cast<std::size_t>(world);
  auto window_start = std::chrono::steady_clock::now();
  std::int64_t window_tokens = 0;
  double window_loss = 0, window_data_seconds = 0;  // time spent producing batches (data loading, augmentation)
  std::uint64_t window_steps = 0;
  bool epochs_done = false;
  bool batch_this_epoch = true;  // a resumed run may stand at the end of an epoch
  std::uint64_t batches_seen = 0;
  const auto no_examples = [&] {
    return InputError(InputLocation{options.data_name.empty() ? std::string("the training data") : options.data_name},
                      "no training examples");
  };
  while (step < options.lr.total_steps) {
    if (options.before_step) options.before_step(model, step);
    optimizer.zero_grad();
    double loss_sum = 0;
    for (std::size_t j = 0; j < micro_per_step && !epochs_done; ++j) {
      TrainBatch batch;
      const auto data_start = std::chrono::steady_clock::now();
      while (!data.next(batch)) {
        if (!batch_this_epoch) throw no_examples();  // a whole epoch without a batch: it would never end
        batch_this_epoch = false;
        ++epoch;
        if (options.max_epochs > 0 && epoch >= options.max_epochs) {
          epochs_done = true;
          break;
        }
      }
      window_data_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - data_start).count();
      if (epochs_done) break;
      batch_this_epoch = true;
      ++batches_seen;
      data_state = batch.after;
      if (j / options.grad_accum != static_cast<std::size_t>(rank)) continue;  // another rank's micro-batch
      // Dropout depends on (seed, step, micro-batch) only: a run on N ranks, one resumed from
      // a checkpoint, and one on a single process with accumulation draw the same masks.
      torch::manual_seed(Rng::for_item(options.seed, step, j).next_u64());
      torch::Tensor loss;
      {
        AutocastScope autocast(options.autocast, device);
        loss = loss_fn(model, batch);
      }
      auto scaled = loss.to(torch::kFloat32) / static_cast<double>(options.grad_accum);
      if (loss_scaling) scaled = scaled * loss_scale;
      scaled.backward();
      loss_sum += loss.item<double>();
      window_tokens += batch.tokens;
    }
    if (epochs_done) break;  // a partial last step is dropped on every rank alike
    if (parallel) parallel->average_gradients(params);
    bool finite = true;
    if (loss_scaling) {
      torch::NoGradGuard no_grad;
      for (const auto& p : params) {
        if (p.grad().defined()) p.grad().div_(loss_scale);
      }
    }
    double grad_norm = 0;
    if (options.clip_norm > 0) {
      grad_norm = torch::nn::utils::clip_grad_norm_(params, options.clip_norm);
    } else {
      for (const auto& p : params) {
        if (p.grad().defined()) grad_norm += p.grad().pow(2).sum().item<double>();
      }
      grad_norm = std::sqrt(grad_norm);
    }
    finite = std::isfinite(grad_norm);
    const double lr = options.lr.at(step);
    auto& param_groups = optimizer.param_groups();
    for (std::size_t g = 0; g < param_groups.size(); ++g) {
      static_cast<torch::optim::AdamWOptions&>(param_groups[g].options()).lr(lr * group_scales[g]);
    }
    if (finite) {
      optimizer.step();
    } else if (loss_scaling) {
      loss_scale /= 2;  // overflow: skip this update, retry smaller
    } else {
      throw std::runtime_error(fmt::format("non-finite gradient norm at step {}", step + 1));
    }
    if (loss_scaling && finite && (step + 1) % 2000 == 0) loss_scale *= 2;
    ++step;
    if (options.after_step) options.after_step(model, step);
    double mean_loss = loss_sum / static_cast<double>(options.grad_accum);
    if (parallel) mean_loss = parallel->sum(mean_loss) / world;
    window_loss += mean_loss;
    ++window_steps;
    progress.advance();
    if (leader && (step % std::max<std::uint64_t>(1, options.log_every) == 0 || step == options.lr.total_steps)) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
      const double avg = window_loss / static_cast<double>(window_steps);
      nlohmann::json line = {{"step", step}, {"epoch", epoch}, {"loss", avg}, {"lr", lr}, {"grad_norm", grad_norm},
                             {options.throughput_unit + "_per_s", seconds > 0 ? static_cast<double>(window_tokens) * world / seconds : 0.0},
                             {"steps_per_s", seconds > 0 ? static_cast<double>(window_steps) / seconds : 0.0},
                             {"data_fraction", seconds > 0 ? window_data_seconds / seconds : 0.0}};
      if (options.window_metrics) line.update(options.window_metrics());
      metrics.write(line);
      progress.set_note(fmt::format("loss {:.4f} lr {:.2e}", avg, lr));
      window_start = std::chrono::steady_clock::now();
      window_tokens = 0;
      window_loss = 0;
      window_data_seconds = 0;
      window_steps = 0;
    }
    if (options.eval_every > 0 && step % options.eval_every == 0) {
      module->eval();
      nlohmann::json m;
      {
        torch::NoGradGuard no_grad;
        m = evaluate(model);
      }
      module->train();
      const double value = m.at("loss").get<double>();
      if (value < best) {
        best = value;
        bad_evals = 0;
        if (leader) model.save(options.out_dir + "/best");
      } else {
        ++bad_evals;
      }
      m["step"] = step;
      m["best_loss"] = best;
      if (leader) {
        metrics.write({{"eval", m}, {"step", step}});
        spdlog::info("step {}: eval {}", step, m.dump());
      }
      if (options.patience > 0 && bad_evals >= options.patience) {
        result.early_stopped = true;
        if (leader) spdlog::info("early stopping: {} evaluations without improvement", bad_evals);
        break;
      }
    }
    int stop = signals.signal() != 0 || (options.stop_after > 0 && step == options.stop_after) ? 1 : 0;
    if (parallel) stop = parallel->sum(stop) > 0 ? 1 : 0;
    const bool pause = options.pause_after > 0 && step == options.pause_after;
    if (stop || pause || (options.save_every > 0 && step % options.save_every == 0)) checkpoint();
    if (stop) {
      result.interrupted = true;
      if (leader) spdlog::warn("stopped at step {}: checkpoint {}; run the same command again to resume", step, result.checkpoint);
      break;
    }
    if (pause) {
      result.paused = true;
      break;
    }
  }
  progress.finish();
  if (step == 0 && batches_seen == 0) throw no_examples();
  result.steps = step;
  result.best_eval = best;
  if (!result.interrupted && !result.paused) {
    if (saved_step != step) checkpoint();  // the final step is saved once
    if (leader && options.save_final_model) model.save(options.out_dir + "/model");
  }
  return result;
}

}  // namespace frugal
