// frugal squad validate FILE
#include <fmt/format.h>

#include <iostream>

#include "apps/cli/commands.h"
#include "data/squad.h"

namespace frugal::cli {

void register_squad_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  auto* squad = app.add_subcommand("squad", "SQuAD-format files: validation and statistics");
  squad->require_subcommand(1);

  auto* validate = squad->add_subcommand(
      "validate", "Check that every answer's answer_start and text match the context (code-point offsets)");
  auto file = std::make_shared<std::string>();
  auto max_report = std::make_shared<std::size_t>(20);
  validate->add_option("file", *file, "SQuAD v1.1/v2.0 JSON")->required();
  validate->add_option("--max-report", *max_report, "Problems to print (all are counted)")->capture_default_str();
  set_example(validate, "  frugal squad validate ../shared/data/squad/dev-v2.0.json");
  table.add(validate, [file, max_report] {
    const auto data = read_squad(*file);
    const auto problems = validate_squad(data);
    std::cout << fmt::format("{}: version {}, {} articles, {} paragraphs, {} questions ({} without answers)\n", *file,
                             data.version.empty() ? "(none)" : data.version, data.articles.size(),
                             data.num_paragraphs(), data.num_questions(), data.num_unanswerable());
    for (std::size_t i = 0; i < problems.size() && i < *max_report; ++i) {
      const auto& p = problems[i];
      std::cout << fmt::format("{}: {}: {} ({})\n", *file, p.location, p.problem, p.question_id);
    }
    if (!problems.empty()) {
      std::cout << fmt::format("{} problem(s)\n", problems.size());
      return 1;
    }
    std::cout << "no problems\n";
    return 0;
  });
}

}  // namespace frugal::cli
