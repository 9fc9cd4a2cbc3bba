#include "train/time_budget_torch.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "train/checkpoint_torch.h"

namespace frugal {

nlohmann::json TimeBudgetPlan::to_json() const {
  auto history = nlohmann::json::array();
  for (const auto& r : replans) history.push_back({{"at", r.at}, {"steps_per_s", r.steps_per_s}, {"steps", r.steps}});
  return {{"budget_s", budget_s},         {"elapsed_s", elapsed_s},   {"steps_per_s", steps_per_s},
          {"evaluation_s", evaluation_s}, {"eval_every", eval_every}, {"calibration_steps", calibration_steps},
          {"max_steps", max_steps},       {"steps", steps},           {"warmup_steps", warmup_steps},
          {"first_steps", first_steps},   {"kept_steps_per_s", kept_steps_per_s()}, {"replans", history}};
}

TimeBudgetPlan TimeBudgetPlan::from_json(const nlohmann::json& j, const std::string& where) {
  TimeBudgetPlan p;
  try {
    p.budget_s = j.at("budget_s").get<double>();
    p.elapsed_s = j.at("elapsed_s").get<double>();
    p.steps_per_s = j.at("steps_per_s").get<double>();
    p.evaluation_s = j.at("evaluation_s").get<double>();
    p.eval_every = j.at("eval_every").get<std::uint64_t>();
    p.calibration_steps = j.at("calibration_steps").get<std::uint64_t>();
    p.max_steps = j.value("max_steps", std::uint64_t{0});
    p.steps = j.at("steps").get<std::uint64_t>();
    p.warmup_steps = j.value("warmup_steps", std::uint64_t{0});
    p.first_steps = j.value("first_steps", std::uint64_t{0});
    for (const auto& r : j.value("replans", nlohmann::json::array())) {
      p.replans.push_back({r.at("at").get<std::uint64_t>(), r.at("steps_per_s").get<double>(), r.at("steps").get<std::uint64_t>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(InputLocation{where}, std::string("not a time-budget plan: ") + e.what());
  }
  if (p.steps == 0) throw InputError(InputLocation{where}, "not a time-budget plan: 'steps' is 0");
  return p;
}

std::uint64_t steps_within_budget(const TimeBudgetPlan& plan) {
  if (!(plan.steps_per_s > 0) || !std::isfinite(plan.steps_per_s)) {
    throw std::invalid_argument("steps_within_budget: the step rate must be positive");
  }
  const double remaining = plan.budget_s - plan.elapsed_s;
  const double e = std::max(0.0, plan.evaluation_s);
  // time(N) = N / rate + e * evaluations(N); evaluations: floor(N / E) + 1 with E > 0, else 2
  // (the trainer's at the end and the command's own). floor(N / E) <= N / E, so solving with
  // N / E gives an N that fits.
  double steps = 0;
  if (plan.eval_every > 0) {
    steps = (remaining - e) / (1.0 / plan.steps_per_s + e / static_cast<double>(plan.eval_every));
  } else {
    steps = (remaining - 2 * e) * plan.steps_per_s;
  }
  if (!(steps >= 1)) {
    throw InputError(fmt::format("--time-budget {:g} s: not one step fits ({:.1f} s already spent on start-up and calibration, "
                                 "{:.3g} steps/s{})",
                                 plan.budget_s, plan.elapsed_s, plan.steps_per_s,
                                 e > 0 ? fmt::format(", {:.1f} s an evaluation", e) : std::string()));
  }
  return static_cast<std::uint64_t>(std::floor(steps));
}

Calibration calibrate_training(Model& model, BatchSource& data, const LossFn& loss, const EvalFn* evaluate,
                               const TrainerOptions& options, DataParallel* parallel, double budget_s,
                               std::uint64_t max_steps) {
  constexpr std::uint64_t kSkip = 20, kFirst = 60;
  // A short window mostly measures the machine's minute (this VM's rate moves by 10% between
  // minutes) and its batches' lengths: a longer budget affords a longer, steadier measurement.
  constexpr double kBudgetFraction = 0.01;
  TrainerOptions o = options;
  o.out_dir = options.out_dir + "/calibration";
  o.lr.warmup_steps = std::min(options.lr.warmup_steps, kSkip);
  o.max_epochs = 0;  // a small corpus is read again rather than cut short
  o.eval_every = 0;
  o.save_every = 0;
  o.patience = 0;
  o.stop_after = 0;
  o.progress = false;
  o.save_final_model = false;
  o.keep_last = 1;
  using Clock = std::chrono::steady_clock;
  std::uint64_t from_step = 0;
  Clock::time_point from;
  double seconds = 0;
  o.before_step = [&](Model& m, std::uint64_t done) {
    if (done == from_step) from = Clock::now();  // also right after a resume, which loads untimed
    if (options.before_step) options.before_step(m, done);
  };
  o.after_step = [&](Model& m, std::uint64_t done) {
    if (options.after_step) options.after_step(m, done);
    if (done == o.lr.total_steps) seconds += std::chrono::duration<double>(Clock::now() - from).count();
  };
  const auto mean_over_ranks = [&](double v) { return parallel ? parallel->sum(v) / parallel->world_size() : v; };
  const EvalFn no_evaluation = [](Model&) { return nlohmann::json{{"loss", 0.0}}; };  // eval_every 0: never called
  // run(timed_from, to): trains up to step `to` (the second run resumes the first's scratch
  // checkpoint) and times steps timed_from+1..to (the first run's steps before them warm up).
  const auto run = [&](std::uint64_t timed_from, std::uint64_t to, bool resume) {
    from_step = timed_from;
    o.lr.total_steps = to;
    o.resume = resume;
    // One metrics line, at the last step: a loss's per-window state (ELECTRA's) is read and
    // reset there, so nothing of the calibration reaches the real run's first line.
    o.log_every = to;
    train(model, data, loss, no_evaluation, o, parallel);
  };
  if (!parallel || parallel->rank() == 0) std::filesystem::remove_all(o.out_dir);
  if (parallel) parallel->barrier();
  run(kSkip, kSkip + kFirst, false);
  const double first_rate = static_cast<double>(kFirst) / std::max(mean_over_ranks(seconds), 1e-9);
  const auto wanted = static_cast<std::uint64_t>(kBudgetFraction * budget_s * first_rate);
  // A cap that clearly fits (half the budget at the first rate) needs no closer measurement.
  const bool cap_binds = max_steps == 0 || static_cast<double>(max_steps) / first_rate > 0.5 * budget_s;
  std::uint64_t measured = kFirst;
  if (wanted > kFirst && cap_binds) {
    run(kSkip + kFirst, kSkip + wanted, true);
    measured = wanted;
  }
  Calibration c;
  c.steps = kSkip + measured;
  c.steps_per_s = static_cast<double>(measured) / std::max(mean_over_ranks(seconds), 1e-9);
  if (evaluate) {
    auto* module = model.module().get();
    module->eval();
    const auto start = Clock::now();
    {
      torch::NoGradGuard no_grad;
      (*evaluate)(model);
    }
    c.evaluation_s = mean_over_ranks(std::chrono::duration<double>(Clock::now() - start).count());
    module->train();
  }
  if (parallel) parallel->barrier();
  if (!parallel || parallel->rank() == 0) std::filesystem::remove_all(o.out_dir);
  return c;
}

TimeBudgetPlan plan_time_budget(double budget_s, std::uint64_t max_steps, std::chrono::steady_clock::time_point started,
                                const std::string& out_dir, bool resume, bool leader, std::uint64_t eval_every,
                                const std::function<Calibration()>& calibrate) {
  const std::string path = out_dir + "/plan.json";
  if (resume && latest_checkpoint(out_dir + "/checkpoints")) {
    if (!std::filesystem::exists(path)) {
      throw InputError(InputLocation{out_dir},
                       "has a checkpoint of a run without --time-budget: resume it with its --steps, or --no-resume");
    }
    const auto plan = TimeBudgetPlan::from_json(nlohmann::json::parse(read_file(path), nullptr, false), path);
    if (std::abs(plan.budget_s - budget_s) > 1e-9 * budget_s) {  // 0.1m is 6.000000000000001 s
      throw InputError(InputLocation{path}, fmt::format("the run being resumed was planned for --time-budget {:g} s, not {:g}; "
                                                        "give the same, or --steps alone to change its length",
                                                        plan.budget_s, budget_s));
    }
    spdlog::info("--time-budget {:g} s: resuming the plan in {} ({} steps)", budget_s, path, plan.steps);
    auto resumed = plan;
    resumed.resumed = true;
    return resumed;
  }
  spdlog::info("--time-budget {:g} s: calibrating the step rate", budget_s);
  const Calibration c = calibrate();
  TimeBudgetPlan plan;
  plan.budget_s = budget_s;
  plan.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  plan.steps_per_s = c.steps_per_s;
  plan.evaluation_s = c.evaluation_s;
  plan.eval_every = eval_every;
  plan.calibration_steps = c.steps;
  plan.max_steps = max_steps;
  const auto fit = steps_within_budget(plan);
  plan.steps = max_steps > 0 ? std::min(fit, max_steps) : fit;
  spdlog::info("--time-budget {:g} s: {:.1f} s spent on start-up and {} calibration steps, {:.3g} steps/s{}: {} steps fit{}", budget_s,
               plan.elapsed_s, c.steps, c.steps_per_s,
               c.evaluation_s > 0 ? fmt::format(", {:.1f} s an evaluation", c.evaluation_s) : std::string(), fit,
               plan.steps < fit ? fmt::format(", {} trained (--steps)", plan.steps) : std::string());
  if (leader) {
    std::filesystem::create_directories(out_dir);
    write_file_atomic(path, plan.to_json().dump(1) + "\n");
  }
  return plan;
}

TrainResult train_planned(TimeBudgetPlan& plan, std::chrono::steady_clock::time_point started, const std::string& out_dir,
                          bool leader, const LrSchedule* schedule, DataParallel* parallel, const TrainSegment& segment,
                          const std::function<std::chrono::steady_clock::time_point()>& now) {
  // A segment shorter than this measures its start (batches, a resume's loading) more than its rate.
  constexpr std::uint64_t kMinSegment = 60;
  constexpr std::uint64_t kSegmentsPerRun = 10;
  const auto write_plan = [&] {
    if (leader) write_file_atomic(out_dir + "/plan.json", plan.to_json().dump(1) + "\n");
  };
  write_plan();
  const std::uint64_t warmup = plan.warmup_steps;
  if (!schedule || plan.resumed) return segment(plan.steps, warmup, 0, false);
  // The learning rates of how many first steps hold for a run of `total` steps.
  const auto settled = [&](std::uint64_t total) {
    LrSchedule s = *schedule;
    s.warmup_steps = warmup;
    s.total_steps = total;
    return s.steps_independent_of_total();
  };
  using Clock = std::chrono::steady_clock;
  const auto clock = [&] { return now ? now() : Clock::now(); };
  std::uint64_t done = 0;
  std::vector<std::pair<std::uint64_t, double>> segments;  // steps, seconds of each segment trained
  for (;;) {
    const std::uint64_t interval = done == 0 && warmup >= kMinSegment ? warmup : std::max(kMinSegment, plan.steps / kSegmentsPerRun);
    const std::uint64_t pause = std::min(done + interval, settled(plan.steps));
    if (pause < done + kMinSegment || pause >= plan.steps) return segment(plan.steps, warmup, 0, done > 0);
    const auto from = clock();
    const auto result = segment(plan.steps, warmup, pause, done > 0);
    if (!result.paused) return result;  // a signal, early stopping or the epochs ended it
    const auto to = clock();
    double seconds = std::chrono::duration<double>(to - from).count();
    double elapsed = std::chrono::duration<double>(to - started).count();
    if (parallel) {
      seconds = parallel->sum(seconds) / parallel->world_size();
      elapsed = parallel->sum(elapsed) / parallel->world_size();
    }
    // Training time only: the plan counts evaluations apart (at the calibration's cost).
    if (plan.eval_every > 0) {
      const auto evaluations = static_cast<double>(pause / plan.eval_every - done / plan.eval_every);
      seconds = std::max(seconds - evaluations * plan.evaluation_s, 0.5 * seconds);
    }
    // The rate of the latest steps (the VM's speed drifts), over at least a tenth of the plan (a
    // short segment before the cooldown alone would measure its resume more than its steps).
    segments.emplace_back(pause - done, seconds);
    std::uint64_t rate_steps = 0;
    double rate_seconds = 0;
    for (auto it = segments.rbegin(); it != segments.rend() && rate_steps < plan.steps / kSegmentsPerRun; ++it) {
      rate_steps += it->first;
      rate_seconds += it->second;
    }
    TimeBudgetPlan rest = plan;
    rest.elapsed_s = elapsed;
    rest.steps_per_s = static_cast<double>(rate_steps) / std::max(rate_seconds, 1e-9);
    std::uint64_t more = 0;
    try {
      more = steps_within_budget(rest);
    } catch (const InputError&) {
      more = 0;  // the budget is spent: the run ends as soon as its rates allow
    }
    std::uint64_t steps = pause + more;
    if (plan.max_steps > 0) steps = std::min(steps, plan.max_steps);
    // Not so few that the steps trained should have had other rates (a cooldown begun earlier);
    // settled() grows with the total, and the plan before kept them.
    while (settled(steps) < pause) ++steps;
    if (plan.first_steps == 0) plan.first_steps = plan.steps;
    plan.replans.push_back({pause, rest.steps_per_s, steps});
    spdlog::info("--time-budget {:g} s: steps {}-{} ran at {:.3g} steps/s (calibration {:.3g}): {} steps in all (before {})", plan.budget_s,
                 pause - rate_steps + 1, pause, rest.steps_per_s, plan.steps_per_s, steps, plan.steps);
    plan.steps = steps;
    write_plan();
    done = pause;
  }
}

}  // namespace frugal
