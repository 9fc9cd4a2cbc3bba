// Planning steps for a wall-time budget: the arithmetic, and the plan file a resumed run reads.
// (Calibration and resuming through the CLI: tests/train/train_cli_test.sh, section 5.)
#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"
#include "train/time_budget_torch.h"

namespace frugal {
namespace {

TimeBudgetPlan plan(double budget, double elapsed, double rate, double evaluation = 0, std::uint64_t eval_every = 0) {
  TimeBudgetPlan p;
  p.budget_s = budget;
  p.elapsed_s = elapsed;
  p.steps_per_s = rate;
  p.evaluation_s = evaluation;
  p.eval_every = eval_every;
  return p;
}

// What the plan's steps cost: training plus evaluations (every eval_every steps, or the
// trainer's at the end, and the command's final one).
double seconds_of(const TimeBudgetPlan& p, std::uint64_t steps) {
  const double evaluations = p.eval_every > 0 ? static_cast<double>(steps / p.eval_every) + 1 : 2;
  return p.elapsed_s + static_cast<double>(steps) / p.steps_per_s + evaluations * p.evaluation_s;
}

TEST(TimeBudget, StepsFillWhatRemainsAtTheMeasuredRate) {
  EXPECT_EQ(steps_within_budget(plan(100, 10, 5)), 450u);
  EXPECT_EQ(steps_within_budget(plan(7200, 30.5, 4.78)), 34270u);  // floor(7169.5 * 4.78)
}

TEST(TimeBudget, EvaluationsAreCountedAndTheResultFits) {
  // At the end only: two evaluations (the trainer's and the command's).
  EXPECT_EQ(steps_within_budget(plan(100, 10, 5, 2)), 430u);
  // Every 100 steps: (90 - 2) / (1/5 + 2/100) = 400 steps, 5 evaluations, exactly 100 s.
  const auto every = plan(100, 10, 5, 2, 100);
  EXPECT_EQ(steps_within_budget(every), 400u);
  for (const auto& p : {plan(900, 12.3, 6.49, 0.32, 0), plan(900, 12.3, 6.49, 0.32, 250), plan(60, 1, 140, 3, 7),
                        plan(7200, 80, 2.4, 45, 2000)}) {
    const auto steps = steps_within_budget(p);
    EXPECT_LE(seconds_of(p, steps), p.budget_s + 1e-9);
    // Unused: less than a step and an evaluation (the plan counts evaluations as N / eval_every).
    EXPECT_GT(seconds_of(p, steps + 1) + p.evaluation_s, p.budget_s) << "the plan leaves time unused";
  }
}

TEST(TimeBudget, NotOneStepIsAnInputError) {
  EXPECT_THROW(steps_within_budget(plan(10, 12, 5)), InputError);  // start-up took longer than the budget
  EXPECT_THROW(steps_within_budget(plan(10, 2, 5, 4)), InputError);  // the two evaluations take all of it
  EXPECT_THROW(steps_within_budget(plan(10, 2, 0)), std::invalid_argument);
}

TEST(TimeBudget, AFreshRunCalibratesAndKeepsThePlan) {
  const auto out = test::scratch_dir("time_budget_plan");
  int calibrations = 0;
  const auto calibrate = [&] {
    ++calibrations;
    return Calibration{10.0, 0.5, 80};
  };
  const auto started = std::chrono::steady_clock::now();
  const auto p = plan_time_budget(60, /*max_steps=*/0, started, out, /*resume=*/true, /*leader=*/true, 0, calibrate);
  EXPECT_EQ(calibrations, 1);
  EXPECT_EQ(p.calibration_steps, 80u);
  EXPECT_GT(p.steps, 500u);  // ~(60 - 1 - elapsed) * 10
  EXPECT_LE(p.steps, 590u);
  const auto kept = TimeBudgetPlan::from_json(nlohmann::json::parse(read_file(out + "/plan.json")), out + "/plan.json");
  EXPECT_EQ(kept.steps, p.steps);
  EXPECT_EQ(kept.budget_s, 60);
  // No checkpoint: nothing to resume, so a second run plans afresh.
  // --steps beside the budget caps the plan.
  EXPECT_EQ(plan_time_budget(60, 25, started, out, true, true, 0, calibrate).steps, 25u);
  EXPECT_EQ(calibrations, 2);
}

TEST(TimeBudget, APlanFileWithoutItsFieldsNamesTheFile) {
  try {
    TimeBudgetPlan::from_json(nlohmann::json{{"budget_s", 60}}, "runs/x/plan.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("runs/x/plan.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace frugal
