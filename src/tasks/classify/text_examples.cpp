#include "tasks/classify/text_examples.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/error.h"
#include "data/tsv_table.h"

namespace frugal {
namespace {

std::optional<long long> as_integer(const std::string& s) {
  long long v = 0;
  const auto* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (s.empty() || r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return v;
}

}  // namespace

std::vector<TextExample> read_text_examples(const std::string& path, const TextColumns& columns, LabelNeed need) {
  const auto table = read_tsv_table(path);
  const auto text = table.column(columns.text);
  const std::optional<std::size_t> pair = columns.pair.empty() ? std::nullopt : std::optional(table.column(columns.pair));
  std::optional<std::size_t> label;
  if (need == LabelNeed::kRequired || table.has_column(columns.label)) label = table.column(columns.label);
  std::vector<TextExample> out;
  out.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    TextExample e;
    e.text = row[text];
    if (pair) e.pair = row[*pair];
    if (label) e.label = row[*label];
    e.line = table.lines[r];
    if (need == LabelNeed::kRequired && e.label.empty()) {
      throw InputError(InputLocation{path, e.line}, "no label in column '" + columns.label + "'");
    }
    out.push_back(std::move(e));
  }
  return out;
}

LabelSet::LabelSet(std::vector<std::string> names) : names_(std::move(names)) {}

LabelSet LabelSet::from_examples(const std::vector<TextExample>& examples, const std::string& file) {
  std::set<std::string> distinct;
  for (const auto& e : examples) {
    if (!e.label.empty()) distinct.insert(e.label);
  }
  std::vector<std::string> names(distinct.begin(), distinct.end());
  const bool integers = std::all_of(names.begin(), names.end(), [](const std::string& s) { return as_integer(s).has_value(); });
  if (integers) {
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return *as_integer(a) < *as_integer(b); });
  }
  if (names.size() < 2) throw InputError(InputLocation{file}, "a classifier needs at least two distinct labels, the file has " + std::to_string(names.size()));
  return LabelSet(std::move(names));
}

LabelSet LabelSet::from_config(const nlohmann::json& config, const std::string& file) {
  if (!config.contains("id2label") || !config["id2label"].is_object() || config["id2label"].size() < 2) {
    throw InputError(InputLocation{file, 0, 0, "id2label"}, "a classifier's config needs id2label with at least two labels");
  }
  const auto& map = config["id2label"];
  std::vector<std::string> names(map.size());
  std::vector<bool> seen(map.size(), false);
  for (const auto& [key, value] : map.items()) {
    const auto id = as_integer(key);
    if (!id || *id < 0 || *id >= static_cast<long long>(names.size()) || seen[*id] || !value.is_string()) {
      throw InputError(InputLocation{file, 0, 0, "id2label." + key}, "ids must be 0..n-1, each naming a label");
    }
    seen[*id] = true;
    names[*id] = value.get<std::string>();
  }
  return LabelSet(std::move(names));
}

void LabelSet::write_to(nlohmann::json& config) const {
  nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
  for (std::size_t i = 0; i < names_.size(); ++i) {
    id2label[std::to_string(i)] = names_[i];
    label2id[names_[i]] = i;
  }
  config["id2label"] = id2label;
  config["label2id"] = label2id;
  config["num_labels"] = names_.size();
}

std::optional<std::int64_t> LabelSet::find(const std::string& label) const {
  const auto it = std::find(names_.begin(), names_.end(), label);
  if (it == names_.end()) return std::nullopt;
  return static_cast<std::int64_t>(it - names_.begin());
}

std::int64_t LabelSet::id_of(const TextExample& example, const std::string& file) const {
  const auto id = find(example.label);
  if (!id) {
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw InputError(InputLocation{file, example.line}, "label '" + example.label + "' is not one the model knows (" + known + ")");
  }
  return *id;
}

}  // namespace frugal
