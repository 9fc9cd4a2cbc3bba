// frugal eval squad DATA PREDICTIONS [--na-prob FILE] [--na-prob-thresh T] [--out FILE]
#include <filesystem>
#include <iostream>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "tasks/qa/squad_eval.h"

namespace frugal::cli {
namespace {

struct EvalSquadArgs {
  std::string data;
  std::string predictions;
  std::string na_prob_file;
  double na_prob_thresh = 1.0;
  std::string out;
  std::string squad_version;
  std::string per_question;
};

int run_eval_squad(const EvalSquadArgs& args, const GlobalOptions& global) {
  SquadEvalOptions options;
  if (args.squad_version == "1.1") {
    options.version = SquadMetricVersion::V1_1;
  } else if (args.squad_version == "2.0") {
    options.version = SquadMetricVersion::V2_0;
  } else if (!args.squad_version.empty()) {
    throw InputError("--squad-version must be 1.1 or 2.0, not '" + args.squad_version + "'");
  }
  const auto data = read_squad(resolve_data_argument(args.data, global));
  const auto predictions = read_squad_predictions(args.predictions);
  if (!args.na_prob_file.empty()) options.na_probs = read_na_probs(args.na_prob_file);
  options.na_prob_thresh = args.na_prob_thresh;
  const auto result = evaluate_squad(data, predictions, options);
  for (const auto& message : result.messages) std::cerr << message << "\n";
  if (!args.per_question.empty()) write_file_atomic(args.per_question, format_squad_question_scores(result));
  if (!args.out.empty()) {
    write_file_atomic(args.out, format_squad_eval(result, false));
  } else {
    std::cout << format_squad_eval(result, true) << std::flush;
  }
  return 0;
}

}  // namespace

// A path, or the name of a registered single-JSON data set such as squad-v1.1-dev.
std::string resolve_data_argument(const std::string& arg, const GlobalOptions& global) {
  if (std::filesystem::exists(arg)) return arg;
  auto cache = global.data_cache();
  const auto* entry = find_data_entry(cache.registry(), arg);
  if (!entry) throw InputError(InputLocation{arg}, "no such file (nor a registered data set name)");
  if (entry->files.size() != 1) throw InputError("data set '" + arg + "' has several files: pass a path");
  return cache.file_path(arg, entry->files.front().name);
}

void register_eval_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* eval = app.add_subcommand("eval", "Score predictions with a task's official metric, or a model's perplexity");
  eval->require_subcommand(1);
  set_example(eval, "  frugal eval squad dev-v1.1.json predictions.json");

  auto* squad = eval->add_subcommand(
      "squad", "SQuAD EM/F1, identical to the official evaluate-v1.1.py / evaluate-v2.0.py output");
  auto args = std::make_shared<EvalSquadArgs>();
  squad->add_option("data", args->data, "SQuAD JSON (or a registered name such as squad-v2.0-dev)")->required();
  squad->add_option("predictions", args->predictions, "JSON object: question id -> answer text")->required();
  squad->add_option("--na-prob", args->na_prob_file, "v2.0: JSON object: question id -> no-answer probability");
  squad->add_option("--na-prob-thresh", args->na_prob_thresh, "v2.0: predict no answer above this probability")
      ->capture_default_str();
  squad->add_option("--out", args->out, "Write the JSON here (as the official --out-file) instead of stdout");
  squad->add_option("--squad-version", args->squad_version,
                    "1.1 or 2.0; default: from the data file's \"version\" (v2.x -> 2.0, else 1.1)");
  squad->add_option("--per-question", args->per_question,
                    "Also write each question's raw EM/F1 as JSON Lines (for error analysis)");
  set_example(squad,
              "  frugal eval squad squad-v2.0-dev predictions.json --na-prob na_probs.json\n"
              "  frugal eval squad ../shared/data/squad/dev-v1.1.json predictions.json --out eval.json");
  table.add(squad, [args, &global] { return run_eval_squad(*args, global); });
  register_lm_eval_commands(*eval, table);  // eval mlm | lm (cmd_pretrain.cpp)
}

}  // namespace frugal::cli
