#pragma once
// The options every training command shares (optimizer, schedule, checkpoints, seed, device):
// registered in one place and turned into TrainerOptions in one place, so `pretrain`, `qa
// train` and `qagen train-*` accept the same spelling with the same meaning.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "apps/cli/commands.h"
#include "train/time_budget_torch.h"
#include "train/trainer_torch.h"

namespace frugal::cli {

struct TrainArgs {
  std::string out, device = "cpu", autocast = "none", schedule = "linear";
  std::size_t grad_accum = 1, keep = 2;
  std::uint64_t warmup_steps = 0, eval_every = 0, save_every = 0, log_every = 20, seed = 0, stop_after = 0;
  double lr = 1e-4, warmup = 0.1, weight_decay = 0.01, clip = 1.0, cooldown = 0.2;
  int patience = 0;
  bool no_resume = false, seed_given = false, cooldown_given = false;
};

// A finite number > 0 (CLI::PositiveNumber lets NaN through).
extern const CLI::Validator kFinitePositive;

// --time-budget SECONDS (or 900, 15m, 2h) for the commands that can train for a wall-time budget;
// `replans`: the command plans again during the run (train_planned with a schedule).
void add_time_budget_option(CLI::App* cmd, double& seconds, bool replans);

// The plan of a --time-budget run (at most `steps` if > 0), made by `calibrate` (a throwaway
// copy of the model trained a few steps on the same data: calibrate_training) or resumed from
// OUT/plan.json, with the time counted from `started`; its warm-up in steps from the options
// (--warmup-steps, or --warmup x the plan's steps). train_planned trains it.
TimeBudgetPlan time_budget_plan(const TrainArgs& a, double time_budget, std::uint64_t steps,
                                std::chrono::steady_clock::time_point started, bool leader,
                                const std::function<Calibration()>& calibrate);

// Warm-up steps of a run of total_steps: --warmup-steps, or --warmup x total_steps.
std::uint64_t warmup_steps_of(const TrainArgs& a, std::uint64_t total_steps);

// Registers the options; the defaults shown are a's current values (set them first).
// with_eval adds --eval-every and --patience (commands that evaluate during training).
void add_train_options(CLI::App* cmd, TrainArgs& a, const std::string& out_help, bool with_eval);

// InputError unless --seed was given (every random choice takes a seed).
void require_seed(const TrainArgs& a);

// Optimizer steps of `epochs` passes over batches_per_epoch micro-batches (--grad-accum of them a step).
std::uint64_t steps_for_epochs(const TrainArgs& a, std::uint64_t epochs, std::size_t batches_per_epoch);

// total_steps: optimizer steps of the run; evaluates: whether an evaluation function exists
// (then it runs every --eval-every steps, by default once at the end).
TrainerOptions trainer_options(const TrainArgs& a, std::uint64_t total_steps, bool evaluates, const GlobalOptions& global);

}  // namespace frugal::cli
