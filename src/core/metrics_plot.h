#pragma once
// Training curves from frugal's metrics JSONL files, drawn by gnuplot (Debian's gnuplot-nox:
// a mature plotter with SVG and cairo PNG output, so frugal writes no rasteriser of its own).
// One panel per y key (loss and lr have different scales), one line per run, axes, grid and a
// legend. Keys may be nested: eval.loss reads {"eval": {"loss": ...}}.
#include <string>
#include <vector>

namespace frugal {

struct PlotOptions {
  std::vector<std::string> files;   // metrics JSONL, one run each
  std::vector<std::string> labels;  // legend names (default: each file's directory name)
  std::string x = "step";
  std::vector<std::string> y = {"loss"};
  std::string out;                  // .svg or .png
  std::string title;
  bool log_y = false;
  int width = 900, panel_height = 320;
};

struct PlotSeries {
  std::string label, key;
  std::vector<std::pair<double, double>> points;  // (x, y) in file order
};

// The (x, y) points of every (file, y key); InputError with FILE:LINE on malformed lines, and
// when a key has no value in any file.
std::vector<PlotSeries> read_plot_series(const PlotOptions& options);

// The gnuplot script that draws `series` into output_path.
std::string gnuplot_script(const PlotOptions& options, const std::vector<PlotSeries>& series, const std::string& output_path);

// Reads the series, runs gnuplot and renames its output into options.out (never a partial file).
// Returns the number of points drawn.
std::size_t plot_metrics(const PlotOptions& options);

}  // namespace frugal
