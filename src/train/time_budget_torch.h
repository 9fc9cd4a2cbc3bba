#pragma once
// Training for a wall-time budget ("pretrain for 2 hours on this machine") instead of a step
// count. The learning-rate schedule needs its total up front, so the steps are planned before
// training: a short calibration run of a throwaway copy of the model on the same data measures
// the steady step rate (and one held-out evaluation), and the plan is the most steps whose
// training and evaluations fit what remains of the budget. While the learning rates trained so
// far do not depend on the total (the warm-up; under --schedule wsd everything before the
// cooldown), the run pauses now and then and plans again from the rate it kept itself
// (train_planned). The run is then an ordinary `--steps N --warmup-steps W` run: the same N and W
// on another machine give the same weights. The plan is kept in OUT/plan.json, so a stopped run
// resumes with it instead of planning again.
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/trainer_torch.h"

namespace frugal {

struct TimeBudgetPlan {
  double budget_s = 0;              // the whole command's wall time
  double elapsed_s = 0;             // spent before training (start-up, calibration)
  double steps_per_s = 0;           // steady rate of the calibration run
  double evaluation_s = 0;          // one held-out evaluation (0: none)
  std::uint64_t eval_every = 0;     // steps between evaluations (0: only at the end)
  std::uint64_t calibration_steps = 0;
  std::uint64_t max_steps = 0;      // at most this many (--steps beside --time-budget; 0: no cap)
  std::uint64_t steps = 0;          // what the run trains for
  std::uint64_t warmup_steps = 0;   // fixed in steps: the same for every plan of the run
  std::uint64_t first_steps = 0;    // the calibration's plan, when the run planned again
  struct Replan {
    std::uint64_t at = 0;           // paused after this step
    double steps_per_s = 0;         // the rate of the steps since the last pause
    std::uint64_t steps = 0;        // planned from it
  };
  std::vector<Replan> replans;
  // The rate of the run's own steps at its last plan (0: not planned again).
  double kept_steps_per_s() const { return replans.empty() ? 0 : replans.back().steps_per_s; }
  bool resumed = false;             // read from OUT/plan.json (not stored)

  nlohmann::json to_json() const;
  static TimeBudgetPlan from_json(const nlohmann::json& j, const std::string& where);
};

// The most optimizer steps whose training (at steps_per_s) and evaluations (evaluation_s each:
// one every eval_every steps, or one at the end when eval_every is 0, plus the command's final
// one) fit in budget_s - elapsed_s. InputError when not even one step fits.
std::uint64_t steps_within_budget(const TimeBudgetPlan& plan);

// The measurements a plan needs, from a calibration run.
struct Calibration {
  double steps_per_s = 0;
  double evaluation_s = 0;
  std::uint64_t steps = 0;
};

// Trains `model` (a throwaway copy: its weights are changed) on `data` with the options of the
// real run (out_dir a scratch directory, removed after) for 20 untimed steps (the first ones run
// faster or slower than the steady state: caches, the allocator, the prefetcher warm up), then
// times 60 steps, or as many as fill 1% of budget_s if more (unless max_steps, the run's cap,
// clearly fits); and times one evaluation when `evaluate` is given. On several ranks every rank
// gets the mean of their times, so all plan the same steps.
Calibration calibrate_training(Model& model, BatchSource& data, const LossFn& loss, const EvalFn* evaluate,
                               const TrainerOptions& options, DataParallel* parallel, double budget_s,
                               std::uint64_t max_steps = 0);

// The plan of a run of out_dir for budget_s seconds, counted from `started`: OUT/plan.json's
// when the run resumes (a checkpoint exists and resume is on; its budget must be budget_s),
// otherwise a new one from calibrate() (at most max_steps steps unless 0), written to
// OUT/plan.json by the leader before training.
TimeBudgetPlan plan_time_budget(double budget_s, std::uint64_t max_steps, std::chrono::steady_clock::time_point started,
                                const std::string& out_dir, bool resume, bool leader, std::uint64_t eval_every,
                                const std::function<Calibration()>& calibrate);

// Trains a plan of plan_time_budget whose warmup_steps the caller has set. segment(steps,
// warmup_steps, pause_after, continuing) trains with that schedule, pausing (a checkpoint) after
// step pause_after unless 0 (continuing: resume from OUT's checkpoint even under --no-resume),
// and returns the trainer's result. With `schedule` (the run's: its decay and cooldown; its total
// and warm-up are the plan's), a fresh plan is trained in segments of at least 60 steps — to the
// warm-up's end, then a tenth of the plan at a time — while the steps trained have learning rates
// that do not depend on the total (LrSchedule::steps_independent_of_total): after each, the total
// is planned again from the rate of that segment, never below what keeps the rates already used.
// (Without `schedule`: one plan, for a schedule of the total from step 1 such as BYOL's target
// decay.) The plan is rewritten to OUT/plan.json by the leader.
using TrainSegment = std::function<TrainResult(std::uint64_t steps, std::uint64_t warmup_steps, std::uint64_t pause_after,
                                               bool continuing)>;
TrainResult train_planned(TimeBudgetPlan& plan, std::chrono::steady_clock::time_point started, const std::string& out_dir,
                          bool leader, const LrSchedule* schedule, DataParallel* parallel, const TrainSegment& segment,
                          const std::function<std::chrono::steady_clock::time_point()>& now = {});  // tests: a clock of their own

}  // namespace frugal
