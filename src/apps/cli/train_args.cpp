#include "apps/cli/train_args.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "core/fingerprint.h"

namespace frugal::cli {

// CLI::PositiveNumber lets NaN through (NaN <= 0 is false).
const CLI::Validator kFinitePositive(
    [](std::string& text) -> std::string {
      double v = 0;
      try {
        v = std::stod(text);
      } catch (const std::exception&) {
        return "not a number: " + text;
      }
      return std::isfinite(v) && v > 0 ? std::string() : "must be a finite positive number, not " + text;
    },
    "POSITIVE");

void add_train_options(CLI::App* cmd, TrainArgs& a, const std::string& out_help, bool with_eval) {
  cmd->add_option("--out", a.out, out_help)->required();
  cmd->add_option("--grad-accum", a.grad_accum, "Micro-batches per optimizer step")->capture_default_str();
  cmd->add_option("--lr", a.lr, "Peak learning rate")->capture_default_str()->check(kFinitePositive);
  cmd->add_option("--warmup", a.warmup, "Warm-up as a fraction of the optimizer steps")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--warmup-steps", a.warmup_steps, "Warm-up steps (overrides --warmup)");
  cmd->add_option("--schedule", a.schedule,
                  "After warm-up: linear, cosine or no decay (constant), or wsd: the peak, then a linear cooldown over the last "
                  "--cooldown of the steps (a --time-budget run then plans its length again until the cooldown)")
      ->capture_default_str();
  cmd->add_option("--cooldown", a.cooldown, "--schedule wsd: the final decay's share of the steps")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->each([&a](const std::string&) { a.cooldown_given = true; });
  cmd->add_option("--weight-decay", a.weight_decay, "AdamW decay (not on biases / LayerNorm)")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--clip", a.clip, "Gradient-norm clipping (0: off)")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--autocast", a.autocast, "none, bf16 (CPU or CUDA) or fp16 (CUDA, loss scaling)")->capture_default_str();
  if (with_eval) {
    cmd->add_option("--eval-every", a.eval_every, "Steps between evaluations (default: only at the end)");
    cmd->add_option("--patience", a.patience, "Stop after this many evaluations without improvement (0: never)");
  }
  cmd->add_option("--save-every", a.save_every, "Steps between checkpoints (always one at the end and on SIGTERM)");
  cmd->add_option("--keep", a.keep, "Checkpoints kept")->capture_default_str();
  cmd->add_option("--log-every", a.log_every, "Steps between metrics lines")->capture_default_str();
  cmd->add_option("--seed", a.seed, "Seed of initialisation, order, masking, dropout (required)")
      ->each([&a](const std::string&) { a.seed_given = true; });
  cmd->add_option("--device", a.device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_flag("--no-resume", a.no_resume, "Start afresh even if OUT/checkpoints has a checkpoint");
  cmd->add_option("--stop-after", a.stop_after, "Checkpoint and stop after this step, as on SIGTERM (tests)")->group("");
}

void add_time_budget_option(CLI::App* cmd, double& seconds, bool replans) {
  cmd->add_option("--time-budget", seconds,
                  std::string("Train for this much wall time: seconds, or with a unit (900, 15m, 2h); the steps are planned by a "
                              "short calibration run") +
                      (replans ? ", and again from the run's own rate at the end of a warm-up of 60 steps or more (--schedule wsd: "
                                  "also every tenth of the run until its cooldown),"
                                : "") +
                      " and kept in OUT/plan.json (what a resumed run continues); with --steps, at most that many")
      ->transform(CLI::AsNumberWithUnit(std::map<std::string, double>{{"s", 1}, {"m", 60}, {"min", 60}, {"h", 3600}},
                                        CLI::AsNumberWithUnit::CASE_SENSITIVE))
      ->check(kFinitePositive);
}

TimeBudgetPlan time_budget_plan(const TrainArgs& a, double time_budget, std::uint64_t steps,
                                std::chrono::steady_clock::time_point started, bool leader,
                                const std::function<Calibration()>& calibrate) {
  auto plan = plan_time_budget(time_budget, steps, started, a.out, !a.no_resume, leader, a.eval_every, calibrate);
  if (!plan.resumed) plan.warmup_steps = warmup_steps_of(a, plan.steps);
  return plan;
}

std::uint64_t warmup_steps_of(const TrainArgs& a, std::uint64_t total_steps) {
  return a.warmup_steps > 0 ? a.warmup_steps : static_cast<std::uint64_t>(a.warmup * static_cast<double>(total_steps));
}

void require_seed(const TrainArgs& a) {
  if (!a.seed_given) throw InputError("--seed is required: every random choice takes a seed");
}

std::uint64_t steps_for_epochs(const TrainArgs& a, std::uint64_t epochs, std::size_t batches_per_epoch) {
  return epochs * batches_per_epoch / std::max<std::size_t>(1, a.grad_accum);
}

TrainerOptions trainer_options(const TrainArgs& a, std::uint64_t total_steps, bool evaluates, const GlobalOptions& global) {
  LrSchedule::check_decay(a.schedule);
  if (a.cooldown_given && a.schedule != "wsd") throw InputError("--cooldown is the final decay of --schedule wsd, not of " + a.schedule);
  TrainerOptions t;
  t.out_dir = a.out;
  t.lr.peak = a.lr;
  t.lr.total_steps = std::max<std::uint64_t>(1, total_steps);
  t.lr.warmup_steps = warmup_steps_of(a, t.lr.total_steps);
  t.lr.decay = a.schedule;
  t.lr.cooldown = a.cooldown;
  t.weight_decay = a.weight_decay;
  t.grad_accum = a.grad_accum;
  t.clip_norm = a.clip;
  t.autocast = a.autocast;
  t.log_every = a.log_every;
  t.eval_every = evaluates ? (a.eval_every > 0 ? a.eval_every : t.lr.total_steps) : 0;
  t.save_every = a.save_every;
  t.keep_last = a.keep;
  t.patience = a.patience;
  t.resume = !a.no_resume;
  t.progress = !global.no_progress;
  t.stop_after = a.stop_after;
  t.seed = a.seed;
  // Options that may change when a run is resumed: how long, how often to save or evaluate, where.
  static const std::set<std::string> free_keys = {"steps", "epochs", "time-budget", "save-every", "keep", "log-every", "eval-every",
                                                  "patience", "no-resume", "stop-after", "device", "eval", "eval-batches",
                                                  "dev", "config"};
  t.fingerprint = command_fingerprint(global.command_config(), free_keys);
  return t;
}

}  // namespace frugal::cli
