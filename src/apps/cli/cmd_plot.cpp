// frugal plot METRICS.jsonl... --out FILE.svg|png: training curves of one or several runs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "apps/cli/commands.h"
#include "core/metrics_plot.h"

namespace frugal::cli {

void register_plot_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  auto* plot = app.add_subcommand("plot", "Training curves from metrics.jsonl files (SVG or PNG, drawn by gnuplot)");
  auto o = std::make_shared<PlotOptions>();
  plot->add_option("metrics", o->files, "metrics.jsonl of one or several runs")->required()->check(CLI::ExistingFile);
  plot->add_option("--out", o->out, "Image to write: .svg or .png")->required();
  plot->add_option("--x", o->x, "Key on the x axis")->capture_default_str();
  plot->add_option("--y", o->y, "Keys to draw, one panel each (nested: eval.loss)")->delimiter(',')->capture_default_str();
  plot->add_option("--label", o->labels, "Legend name of each run (default: its directory)")->delimiter(',');
  plot->add_option("--title", o->title, "Title above the panels");
  plot->add_flag("--log-y", o->log_y, "Logarithmic y axes");
  set_example(plot, "  frugal plot runs/bert/metrics.jsonl --y loss,lr --out bert.svg\n"
                    "  frugal plot a/metrics.jsonl b/metrics.jsonl --label 'lr 1e-3,lr 5e-4' --y loss,eval.loss --out compare.png");
  table.add(plot, [o] {
    const auto points = plot_metrics(*o);
    std::cerr << fmt::format("{}: {} points, {} runs, {}\n", o->out, points, o->files.size(), fmt::join(o->y, ", "));
    return 0;
  });
}

}  // namespace frugal::cli
