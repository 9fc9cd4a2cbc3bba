// frugal qa: the command, and its model-free lexical baseline (train | predict: cmd_qa.cpp).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "data/squad.h"
#include "tasks/qa/overlap_baseline.h"

namespace frugal::cli {

void register_qa_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* qa = app.add_subcommand("qa", "Extractive question answering: train and predict on SQuAD JSON");
  qa->require_subcommand(1);
  set_example(qa, "  frugal qa train --train train.json --dev dev.json --init runs/bert-small/model --epochs 2 --seed 1 --out runs/qa\n"
                  "  frugal qa predict --model runs/qa/model --data dev.json --out predictions.json");
  register_qa_model_commands(*qa, table, global);

  auto* baseline = qa->add_subcommand("baseline", "The lexical question-overlap baseline (no model): predictions JSON");
  auto b = std::make_shared<std::pair<std::string, std::string>>();
  baseline->add_option("--data", b->first, "SQuAD JSON (or a registered name)")->required();
  baseline->add_option("--out", b->second, "predictions.json: {id: answer}")->required();
  set_example(baseline, "  frugal qa baseline --data dev.json --out baseline.json && frugal eval squad dev.json baseline.json");
  table.add(baseline, [b, &global] {
    const auto data = read_squad(resolve_data_argument(b->first, global));
    nlohmann::json predictions = nlohmann::json::object();
    for (const auto& article : data.articles) {
      for (const auto& paragraph : article.paragraphs) {
        for (const auto& q : paragraph.qas) predictions[q.id] = overlap_baseline_answer(paragraph.context, q.question).text;
      }
    }
    write_file_atomic(b->second, predictions.dump() + "\n");
    std::cerr << fmt::format("{}: {} questions\n", b->second, predictions.size());
    return 0;
  });
}

}  // namespace frugal::cli
