#include "core/metrics_plot.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text_lines.h"
#include "core/json_input.h"

extern char** environ;

namespace frugal {
namespace {

// j at a dotted path ("eval.loss"), or nullptr.
const nlohmann::json* at_path(const nlohmann::json& j, const std::string& path) {
  const nlohmann::json* node = &j;
  std::size_t begin = 0;
  while (true) {
    const auto dot = path.find('.', begin);
    const auto key = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    if (dot == std::string::npos) return node;
    begin = dot + 1;
  }
}

bool number_at(const nlohmann::json& j, const std::string& path, double& value) {
  const auto* v = at_path(j, path);
  if (v == nullptr || !v->is_number()) return false;
  value = v->get<double>();
  return std::isfinite(value);
}

std::string quoted(const std::string& text) {  // a gnuplot single-quoted string
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += "''";
    else if (c != '\n' && c != '\r') out += c;
  }
  return out + "'";
}

std::string default_label(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path().filename().string();
  return parent.empty() ? std::filesystem::path(file).stem().string() : parent;
}

}  // namespace

std::vector<PlotSeries> read_plot_series(const PlotOptions& options) {
  if (options.files.empty()) throw InputError("plot: no metrics files");
  if (!options.labels.empty() && options.labels.size() != options.files.size()) {
    throw InputError(fmt::format("--label gives {} names for {} files", options.labels.size(), options.files.size()));
  }
  if (options.y.empty()) throw InputError("--y names no key");
  std::vector<PlotSeries> series;
  for (std::size_t f = 0; f < options.files.size(); ++f) {
    const auto& file = options.files[f];
    std::vector<PlotSeries> of_file;
    for (const auto& key : options.y) of_file.push_back({options.labels.empty() ? default_label(file) : options.labels[f], key, {}});
    for_each_line(file, [&](std::string& line, std::uint64_t n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) return;
      const auto j = parse_nlohmann_text(line, file, n);
      if (!j.is_object()) throw InputError(InputLocation{file, n}, "a metrics line is a JSON object");
      double x = 0;
      if (!number_at(j, options.x, x)) return;  // e.g. a summary line without a step
      for (auto& s : of_file) {
        double y = 0;
        if (number_at(j, s.key, y) && (!options.log_y || y > 0)) s.points.push_back({x, y});
      }
    });
    for (auto& s : of_file) series.push_back(std::move(s));
  }
  for (const auto& key : options.y) {
    bool any = false;
    for (const auto& s : series) any = any || (s.key == key && !s.points.empty());
    if (!any) {
      throw InputError(InputLocation{fmt::format("{}", fmt::join(options.files, ", ")), 0, 0, key},
                       fmt::format("no values (with '{}')", options.x));
    }
  }
  return series;
}

std::string gnuplot_script(const PlotOptions& options, const std::vector<PlotSeries>& series, const std::string& output_path) {
  const bool png = output_path.size() >= 4 && output_path.compare(output_path.size() - 4, 4, ".png") == 0;
  const int height = options.panel_height * static_cast<int>(options.y.size()) + (options.title.empty() ? 0 : 30);
  std::string s;
  for (std::size_t i = 0; i < series.size(); ++i) {
    s += fmt::format("$s{} << EOD\n", i);
    for (const auto& [x, y] : series[i].points) s += fmt::format("{:.17g} {:.17g}\n", x, y);
    s += "EOD\n";
  }
  s += png ? fmt::format("set terminal pngcairo noenhanced size {},{} font 'sans,10'\n", options.width, height)
           : fmt::format("set terminal svg noenhanced size {},{} font 'sans,12' background '#ffffff'\n", options.width, height);
  s += "set output " + quoted(output_path) + "\n";
  s += "set grid lc rgb '#dddddd'\nset key top right box opaque\nset border 3\nset tics nomirror\nset format y '%g'\n";
  if (options.log_y) s += "set logscale y\n";
  s += fmt::format("set multiplot layout {},1{}\n", options.y.size(), options.title.empty() ? "" : " title " + quoted(options.title));
  for (const auto& key : options.y) {
    s += "set xlabel " + quoted(options.x) + "\nset ylabel " + quoted(key) + "\n";
    std::string plot;
    for (std::size_t i = 0; i < series.size(); ++i) {
      if (series[i].key != key || series[i].points.empty()) continue;
      plot += (plot.empty() ? "plot " : ", ") + fmt::format("$s{} using 1:2 with lines lw 2 title {}", i, quoted(series[i].label));
    }
    s += plot + "\n";
  }
  s += "unset multiplot\nset output\n";
  return s;
}

std::size_t plot_metrics(const PlotOptions& options) {
  if (options.out.size() < 4 || (options.out.compare(options.out.size() - 4, 4, ".svg") != 0 &&
                                  options.out.compare(options.out.size() - 4, 4, ".png") != 0)) {
    throw InputError(InputLocation{options.out}, "the output must end in .svg or .png");
  }
  const auto series = read_plot_series(options);
  std::size_t points = 0;
  for (const auto& s : series) points += s.points.size();
  const std::filesystem::path out(options.out);
  const auto stem = (out.parent_path() / ("." + out.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
  const auto image = stem + out.extension().string(), script = stem + ".gp";
  write_file_atomic(script, gnuplot_script(options, series, image));
  const char* args[] = {"gnuplot", script.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "gnuplot", nullptr, nullptr, const_cast<char* const*>(args), environ);
  int status = 0;
  if (spawned == 0) ::waitpid(pid, &status, 0);
  std::filesystem::remove(script);
  if (spawned != 0) throw InputError("frugal plot draws with gnuplot, which is not installed (apt-get install gnuplot-nox)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::filesystem::exists(image)) {
    std::filesystem::remove(image);
    throw std::runtime_error("gnuplot failed to draw " + options.out);
  }
  std::filesystem::rename(image, options.out);
  return points;
}

}  // namespace frugal
