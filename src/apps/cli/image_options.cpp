#include "apps/cli/image_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "nn/config_json.h"

namespace frugal::cli {

void add_augment_options(CLI::App* cmd, AugmentArgs& a, const std::string& preset_help) {
  cmd->add_option("--augment", a.preset, "Augmentation preset: none, light, digits, natural, auto (" + preset_help + ")")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "light", "digits", "natural", "auto"}));
  cmd->add_option("--augment-config", a.config,
                  "JSON overriding the preset's fields: crop, crop_scale, crop_ratio, flip_p, jitter_p, brightness, contrast, "
                  "saturation, hue, grayscale_p, blur_p, blur_sigma, rotation_p, rotation_degrees")
      ->check(CLI::ExistingFile);
}

AugmentOptions augment_from(const AugmentArgs& a, const ImageSet& set) {
  std::string preset = a.preset;
  if (preset == "auto") preset = !set.images.empty() && set.images.front().channels == 1 ? "digits" : "natural";
  auto options = augment_preset(preset);
  if (!a.config.empty()) options.update(parse_config_json(read_file(a.config), a.config), a.config);
  return options;
}

ImageSet load_images(const std::string& spec, ImageLabels need, const GlobalOptions& global) {
  auto cache = global.data_cache();
  const int threads = worker_threads(global.threads);
  if (spec.find('+') == std::string::npos || std::filesystem::exists(spec)) return load_image_set(spec, cache, need, threads);
  // A+B: the sets one after the other (e.g. BYOL on source and target images together).
  ImageSet all;
  all.name = spec;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const auto end = std::min(spec.find('+', start), spec.size());
    auto part = load_image_set(spec.substr(start, end - start), cache, need, threads);
    if (!part.class_names.empty() && need != ImageLabels::kIgnored) {
      throw InputError(InputLocation{part.name}, "image folders cannot be joined with '+' when labels are read (their class names differ)");
    }
    if (need != ImageLabels::kIgnored && all.size() > 0 && all.labelled() != part.labelled()) {
      throw InputError(InputLocation{part.name}, "joined with '+', every part must be labelled or none");
    }
    const bool paths = !part.paths.empty();
    for (std::size_t i = 0; i < part.size(); ++i) {
      all.images.push_back(std::move(part.images[i]));
      if (part.labelled()) all.labels.push_back(part.labels[i]);
      all.paths.push_back(paths ? part.paths[i] : part.name + "#" + std::to_string(i));
    }
    start = end + 1;
  }
  if (std::all_of(all.paths.begin(), all.paths.end(), [](const std::string& p) { return p.find('#') != std::string::npos; })) all.paths.clear();
  return all;
}

ImageInputSpec normalised_for(const ImageInputSpec& spec, const ImageSet& set, const std::string& mode) {
  if (mode == "model") return spec;
  if (mode != "dataset") throw InputError("--normalize must be model or dataset, not '" + mode + "'");
  auto out = spec;
  std::tie(out.mean, out.std) = channel_statistics(set, spec.channels);
  return out;
}

std::vector<std::string> label_names_of(const ImageSet& set) {
  if (!set.class_names.empty()) return set.class_names;
  const auto largest = set.labels.empty() ? 0 : *std::max_element(set.labels.begin(), set.labels.end());
  std::vector<std::string> names;
  for (std::int64_t k = 0; k <= std::max<std::int64_t>(largest, 1); ++k) names.push_back(std::to_string(k));
  return names;
}

std::vector<std::int64_t> labels_for_model(const ImageSet& set, const nlohmann::json& config, const std::string& model_dir) {
  const std::int64_t num_labels = config.value("num_labels", static_cast<std::int64_t>(config.value("id2label", nlohmann::json::object()).size()));
  if (set.class_names.empty()) {
    for (std::size_t i = 0; i < set.labels.size(); ++i) {
      if (set.labels[i] >= num_labels) {
        throw InputError(InputLocation{set.name}, fmt::format("image {} has label {}, the model at {} has {} labels", i, set.labels[i],
                                                              model_dir, num_labels));
      }
    }
    return set.labels;
  }
  const auto label2id = config.value("label2id", nlohmann::json::object());
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    const auto& name = set.class_names[static_cast<std::size_t>(set.labels[i])];
    if (!label2id.contains(name) || !label2id[name].is_number_integer()) {
      throw InputError(InputLocation{set.paths.at(i)}, "class '" + name + "' is not one the model at " + model_dir + " knows");
    }
    ids.push_back(label2id[name].get<std::int64_t>());
  }
  return ids;
}

}  // namespace frugal::cli
