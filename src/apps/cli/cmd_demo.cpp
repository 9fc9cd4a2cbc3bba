// frugal demo: the main job, end to end on the mirror data. For now: fetch SQuAD v1.1 and
// v2.0 dev through the data cache, validate them, answer every question with the lexical
// baseline, and score the predictions with the official metric. Later issues replace the
// baseline with the synthetic-QA pipeline.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "core/json_input.h"
#include "tasks/qa/overlap_baseline.h"
#include "tasks/qa/squad_eval.h"
#include "text/python_format.h"

namespace frugal::cli {
namespace {

struct DemoArgs {
  std::string out_dir = "frugal-demo";
};

std::string json_object_of_strings(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, items[i].first);
    out += ": ";
    out += items[i].second;
  }
  return out + "}";
}

void run_one(const std::string& name, const std::string& file, DataCache& cache, const DemoArgs& args,
             const GlobalOptions& global, MetricsWriter& metrics) {
  const std::string path = cache.file_path(name, file);
  const auto data = read_squad(path);
  const auto problems = validate_squad(data);
  spdlog::info("{}: {} articles, {} paragraphs, {} questions ({} unanswerable), {} offset problems", name,
               data.articles.size(), data.num_paragraphs(), data.num_questions(), data.num_unanswerable(),
               problems.size());

  ProgressOptions po;
  po.label = "answer " + name;
  po.unit = "q";
  po.enabled = !global.no_progress;
  Progress progress(data.num_questions(), po);
  SquadPredictions predictions;
  std::vector<std::pair<std::string, std::string>> prediction_json, na_prob_json;
  std::vector<NaProb> na_probs;
  for (const auto& article : data.articles)
    for (const auto& paragraph : article.paragraphs)
      for (const auto& qa : paragraph.qas) {
        const auto answer = overlap_baseline_answer(paragraph.context, qa.question);
        // For v2.0, answer "" when the question shares under half its content words.
        const bool abstain = data.is_v2() && answer.no_answer_prob > 0.5;
        predictions[qa.id] = abstain ? "" : answer.text;
        std::string quoted;
        append_json_string(quoted, predictions[qa.id]);
        prediction_json.emplace_back(qa.id, quoted);
        na_prob_json.emplace_back(qa.id, py::float_repr(answer.no_answer_prob));
        na_probs.push_back({qa.id, answer.no_answer_prob, false});
        progress.advance();
      }
  progress.finish();

  const std::string stem = args.out_dir + "/" + name;
  write_file_atomic(stem + ".predictions.json", json_object_of_strings(prediction_json));
  SquadEvalOptions options;
  if (data.is_v2()) {
    write_file_atomic(stem + ".na_probs.json", json_object_of_strings(na_prob_json));
    options.na_probs = na_probs;
  }
  const auto result = evaluate_squad(data, predictions, options);
  const std::string scores = format_squad_eval(result, true);
  write_file_atomic(stem + ".eval.json", scores);
  std::cout << fmt::format("== {} (question-overlap baseline, official {} metric)\n{}", name,
                           data.is_v2() ? "v2.0" : "v1.1", scores);
  nlohmann::json record = {{"stage", "demo"}, {"data", name}, {"questions", data.num_questions()},
                           {"seconds", progress.elapsed_s()}};
  for (const auto& [key, value] : result.metrics) {
    record[key] = std::holds_alternative<double>(value) ? std::get<double>(value)
                                                        : static_cast<double>(std::get<std::int64_t>(value));
  }
  metrics.write(record);
}

}  // namespace

void register_demo_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* demo = app.add_subcommand("demo", "Run the main job end to end on the mirror data (SQuAD evaluation for now)");
  auto args = std::make_shared<DemoArgs>();
  demo->add_option("--out", args->out_dir, "Directory for predictions, scores and metrics.jsonl")
      ->capture_default_str();
  set_example(demo, "  frugal --mirror ../shared/data demo --out /tmp/demo");
  table.add(demo, [args, &global] {
    std::filesystem::create_directories(args->out_dir);
    auto cache = global.data_cache();
    MetricsWriter metrics(args->out_dir + "/metrics.jsonl");
    run_one("squad-v1.1-dev", "dev-v1.1.json", cache, *args, global, metrics);
    run_one("squad-v2.0-dev", "dev-v2.0.json", cache, *args, global, metrics);
    std::cout << fmt::format("outputs in {}/ (score them again with: frugal eval squad squad-v1.1-dev {}/squad-v1.1-dev.predictions.json)\n",
                             args->out_dir, args->out_dir);
    return 0;
  });
}

}  // namespace frugal::cli
