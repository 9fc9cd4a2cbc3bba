// Planning steps for a wall-time budget: the arithmetic, and the plan file a resumed run reads.
// (Calibration and resuming through the CLI: tests/train/train_cli_test.sh, section 5.)
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <ostream>
#include <vector>

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

// The segments train_planned asks for: (steps, warm-up, pause_after, continuing).
struct Call {
  std::uint64_t steps, warmup, pause_after;
  bool continuing;
  bool operator==(const Call& o) const {
    return steps == o.steps && warmup == o.warmup && pause_after == o.pause_after && continuing == o.continuing;
  }
};
std::ostream& operator<<(std::ostream& os, const Call& c) {
  return os << "(" << c.steps << ", " << c.warmup << ", " << c.pause_after << ", " << c.continuing << ")";
}

// train_planned on a clock of its own: each segment "trains" from the last step to its pause (or
// its total) at rate(step) steps/s and moves the clock on by that much. Returns the segments asked
// for; *plan the plan as it ends, *end_s the clock's seconds from `started` at the end.
struct Simulated {
  std::vector<Call> calls;
  TimeBudgetPlan plan;
  double end_s = 0;
};
Simulated simulate(TimeBudgetPlan p, const char* decay, double spent_s, const std::function<double(std::uint64_t)>& rate) {
  const auto out = test::scratch_dir(std::string("time_budget_segments_") + decay);
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started{};
  Clock::time_point now = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spent_s));
  LrSchedule schedule;
  schedule.decay = decay;
  schedule.cooldown = 0.2;
  Simulated sim;
  std::uint64_t step = 0;
  const TrainSegment segment = [&](std::uint64_t steps, std::uint64_t warmup, std::uint64_t pause_after, bool continuing) {
    sim.calls.push_back({steps, warmup, pause_after, continuing});
    const std::uint64_t to = pause_after > 0 ? pause_after : steps;
    double seconds = 0;
    for (; step < to; ++step) seconds += 1.0 / rate(step + 1);
    now += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    TrainResult r;
    r.paused = pause_after > 0;
    r.steps = to;
    return r;
  };
  train_planned(p, started, out, /*leader=*/true, std::string(decay).empty() ? nullptr : &schedule, nullptr, segment, [&] { return now; });
  const auto kept = TimeBudgetPlan::from_json(nlohmann::json::parse(read_file(out + "/plan.json")), out + "/plan.json");
  EXPECT_EQ(kept.steps, p.steps);
  EXPECT_EQ(kept.replans.size(), p.replans.size());
  sim.plan = p;
  sim.end_s = std::chrono::duration<double>(now - started).count();
  return sim;
}

// A plan of at most 1,000 steps (--steps beside the budget) with a 100-step warm-up, at 1,000
// steps/s in a budget of 1,000 s: the cap always binds.
TimeBudgetPlan capped_plan() {
  TimeBudgetPlan p = plan(1000, 1, 1000);
  p.max_steps = 1000;
  p.steps = 1000;
  p.warmup_steps = 100;
  return p;
}
const auto kSteady = [](std::uint64_t) { return 1000.0; };

TEST(TimeBudget, WarmUpStableDecayIsPlannedAgainUntilItsCooldown) {
  // Paused at the warm-up's end, then every tenth of the plan until the cooldown's start
  // (1,000 - 200); the last segment trains the cooldown.
  const auto sim = simulate(capped_plan(), "wsd", 0, kSteady);
  std::vector<Call> expected = {{1000, 100, 100, false}};
  for (std::uint64_t at = 200; at <= 800; at += 100) expected.push_back({1000, 100, at, true});
  expected.push_back({1000, 100, 0, true});
  EXPECT_EQ(sim.calls, expected);
  ASSERT_EQ(sim.plan.replans.size(), 8u);
  EXPECT_EQ(sim.plan.replans.back().at, 800u);
  EXPECT_EQ(sim.plan.first_steps, 1000u);
  EXPECT_DOUBLE_EQ(sim.plan.kept_steps_per_s(), 1000.0);
}

TEST(TimeBudget, LinearDecayIsPlannedAgainOnlyAtTheWarmUpsEnd) {
  const std::vector<Call> once = {{1000, 100, 100, false}, {1000, 100, 0, true}};
  EXPECT_EQ(simulate(capped_plan(), "linear", 0, kSteady).calls, once);
  EXPECT_EQ(simulate(capped_plan(), "cosine", 0, kSteady).calls, once);
  // Without a schedule (BYOL: its target decay follows the total from step 1): one plan.
  EXPECT_EQ(simulate(capped_plan(), "", 0, kSteady).calls, (std::vector<Call>{{1000, 100, 0, false}}));
}

TEST(TimeBudget, ASpentBudgetEndsTheRunAsSoonAsTheRatesUsedAllow) {
  // Linear: the warm-up's rates hold for any total; the run ends at the warm-up's end. wsd: the
  // same (a cooldown never reaches into the warm-up, so a total of 100 keeps its rates).
  for (const char* decay : {"linear", "wsd"}) {
    EXPECT_EQ(simulate(capped_plan(), decay, 2000, kSteady).calls, (std::vector<Call>{{1000, 100, 100, false}, {100, 100, 0, true}}))
        << decay;
  }
}

TEST(TimeBudget, WarmUpStableDecayFollowsTheRateTheRunKeeps) {
  // 100 s at 10 steps/s is 1,000 steps; from step 301 the machine runs at half speed. Each plan
  // uses the latest tenth's rate, so the run ends within the budget, less than a step short.
  TimeBudgetPlan p = plan(100, 0, 10);
  p.steps = 1000;
  const auto sim = simulate(p, "wsd", 0, [](std::uint64_t step) { return step <= 300 ? 10.0 : 5.0; });
  EXPECT_LT(sim.plan.steps, 1000u);
  EXPECT_LE(sim.end_s, 100.0 + 1e-6);
  EXPECT_GT(sim.end_s, 100.0 - 1.0 / 5);
  // Linear decay plans once, at the warm-up's end (none here: no warm-up): 1,000 steps, 170 s.
  EXPECT_NEAR(simulate(p, "linear", 0, [](std::uint64_t step) { return step <= 300 ? 10.0 : 5.0; }).end_s, 170.0, 1e-6);
}

TEST(TimeBudget, EvaluationsDuringASegmentAreNotTakenForSlowerSteps) {
  // 10 steps/s and a 2-second evaluation after every 100th step (charged to that step here). The
  // segments' time includes their evaluations, which the plan counts apart: each plan must see
  // the training rate, 10 steps/s, not the slower rate of training and evaluating together.
  TimeBudgetPlan p = plan(100, 0, 10, 2, 100);
  p.steps = steps_within_budget(p);
  const auto sim = simulate(p, "wsd", 0, [](std::uint64_t step) { return step % 100 == 0 ? 1.0 / (0.1 + 2.0) : 10.0; });
  ASSERT_GE(sim.plan.replans.size(), 3u);
  for (const auto& r : sim.plan.replans) EXPECT_NEAR(r.steps_per_s, 10.0, 1e-6) << "planned again after step " << r.at;
  EXPECT_LE(sim.end_s, 100.0);
}

TEST(TimeBudget, AShorterPlanNeverMovesTheCooldownBeforeTheStepsTrained) {
  // From step 301 the machine crawls (0.5 steps/s): after the pause at 400 the budget is spent,
  // but 400 steps at the peak need a total whose cooldown starts at 400 or later: 500 - 100.
  TimeBudgetPlan p = plan(100, 0, 10);
  p.steps = 1000;
  const auto sim = simulate(p, "wsd", 0, [](std::uint64_t step) { return step <= 300 ? 10.0 : 0.5; });
  EXPECT_EQ(sim.calls, (std::vector<Call>{{1000, 0, 100, false}, {1000, 0, 200, true}, {1000, 0, 300, true}, {1000, 0, 400, true},
                                          {500, 0, 0, true}}));
  LrSchedule first{1.0, 0, 1000, "wsd", 0.2}, cut{1.0, 0, 500, "wsd", 0.2};
  for (std::uint64_t step = 0; step < 400; ++step) EXPECT_EQ(first.at(step), cut.at(step)) << step;
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
