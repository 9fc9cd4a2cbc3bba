#include "apps/cli/json_config.h"

#include <nlohmann/json.hpp>

#include <iterator>

#include "core/error.h"
#include "core/json_input.h"

namespace frugal::cli {
namespace {

std::string scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

void flatten(const nlohmann::json& object, std::vector<std::string>& parents, std::vector<CLI::ConfigItem>& out,
             const std::string& file) {
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      parents.push_back(key);
      flatten(value, parents, out, file);
      parents.pop_back();
      continue;
    }
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = key;
    if (value.is_array()) {
      for (const auto& element : value) {
        if (element.is_structured()) {
          throw InputError(InputLocation{file, 0, 0, item.fullname()}, "arrays may hold only plain values");
        }
        item.inputs.push_back(scalar_text(element));
      }
    } else if (value.is_null()) {
      continue;
    } else {
      item.inputs.push_back(scalar_text(value));
    }
    out.push_back(std::move(item));
  }
}

nlohmann::json typed(const std::string& text) {
  if (text == "true" || text == "false") return text == "true";
  if (!text.empty()) {
    try {
      std::size_t used = 0;
      const long long as_int = std::stoll(text, &used);
      if (used == text.size()) return as_int;
      const double as_double = std::stod(text, &used);
      if (used == text.size()) return as_double;
    } catch (const std::exception&) {
    }
  }
  return text;
}

bool skip_option(const CLI::Option* opt) {
  const std::string name = opt->get_single_name();
  return name.empty() || name == "help" || name == "config" || name == "dump-config" || name == "version";
}

nlohmann::json dump_app(const CLI::App* app, bool default_also) {
  nlohmann::json out = nlohmann::json::object();
  for (const CLI::Option* opt : app->get_options()) {
    if (skip_option(opt)) continue;
    // Long option name, or the name of a positional argument.
    const std::string name = opt->get_lnames().empty() ? opt->get_single_name() : opt->get_lnames().front();
    std::vector<std::string> values;
    if (opt->count() > 0) {
      values = opt->results();
    } else if (default_also && !opt->get_default_str().empty()) {
      values = {opt->get_default_str()};
    } else if (default_also && opt->get_type_size() == 0) {
      values = {"false"};
    } else {
      continue;
    }
    if (opt->get_type_size() == 0) {  // a flag
      out[name] = values.empty() || values.back() != "false";
    } else if (opt->get_expected_max() > 1) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& v : values) list.push_back(typed(v));
      out[name] = list;
    } else if (!values.empty()) {
      out[name] = typed(values.back());
    }
  }
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App* s) { return s->parsed(); })) {
    out[sub->get_name()] = dump_app(sub, default_also);
  }
  return out;
}

}  // namespace

std::vector<CLI::ConfigItem> JsonConfig::from_config(std::istream& input) const {
  const std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(locate_offset(text, e.byte > 0 ? e.byte - 1 : 0, file_name), "malformed JSON config: " + nlohmann_error_detail(e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(InputLocation{file_name, 1}, "malformed JSON config: " + nlohmann_error_detail(e.what()));
  }
  if (!root.is_object()) throw InputError(InputLocation{file_name}, "a config file holds one JSON object");
  std::vector<CLI::ConfigItem> config_items;
  std::vector<std::string> parents;
  flatten(root, parents, config_items, file_name);
  return config_items;
}

std::string JsonConfig::to_config(const CLI::App* app, bool default_also, bool, std::string) const {
  return dump_app(app, default_also).dump(2) + "\n";
}

}  // namespace frugal::cli
