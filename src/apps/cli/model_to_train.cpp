#include "apps/cli/model_to_train.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/config_json.h"

namespace frugal::cli {

std::unique_ptr<Model> model_to_train(const ModelStart& start, Architecture arch, const Tokenizer& tokenizer, torch::Device device) {
  if (start.init.empty() == start.model_config.empty()) throw InputError("give exactly one of --init and --model-config");
  if (!start.init.empty()) {
    const auto config_path = start.init + "/config.json";
    const auto init_config = parse_config_json(read_file(config_path), config_path);
    nlohmann::json overrides = nlohmann::json::object();
    for (const auto& [key, value] : start.task_fields.items()) {
      const bool absent = !init_config.contains(key) || init_config[key].is_null();
      const bool too_few_types = key == "type_vocab_size" && !absent && init_config[key].is_number_integer() &&
                                 init_config[key].get<std::int64_t>() < value.get<std::int64_t>();
      if (absent || too_few_types) overrides[key] = value;
    }
    overrides.update(start.forced_fields);
    LoadReport report;
    auto model = std::make_unique<Model>(Model::load_as(start.init, arch, device, &report, overrides.dump()));
    std::string names;
    for (std::size_t i = 0; i < report.missing.size() && i < 4; ++i) names += (i ? ", " : "") + report.missing[i];
    if (report.missing.size() > 4) names += ", ...";
    spdlog::info("--init {}: {} new parameters{}, {} unused", start.init, report.missing.size(),
                 names.empty() ? "" : " (" + names + ")", report.unexpected.size());
    return model;
  }
  auto config = parse_config_json(read_file(start.model_config), start.model_config);
  if (!config.contains("vocab_size")) config["vocab_size"] = tokenizer.vocab_size();
  config.update(start.forced_fields);
  for (const auto* fields : {&start.task_fields, &start.new_model_defaults}) {
    for (const auto& [key, value] : fields->items()) {
      if (!config.contains(key)) config[key] = value;
    }
  }
  auto model = std::make_unique<Model>(arch, config.dump(), start.model_config, start.seed);
  model->to(device, torch::kFloat32);
  return model;
}

}  // namespace frugal::cli
