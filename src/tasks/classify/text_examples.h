#pragma once
// Text-classification examples from a GLUE-style TSV (data/tsv_table.h) and the label set a
// classifier is trained on, stored in config.json as HF's id2label / label2id.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace frugal {

struct TextColumns {
  std::string text = "sentence";
  std::string pair;  // empty: single sentences
  std::string label = "label";
};

struct TextExample {
  std::string text, pair;
  std::string label;       // as written; empty when the row has none
  std::uint64_t line = 0;  // in the file, for errors
};

// labels: "required" (training, eval): every row needs a non-empty label; "optional"
// (predict, teacher labelling, distillation): the column may be absent or a field empty.
enum class LabelNeed { kRequired, kOptional };

// InputError naming FILE:LINE for a malformed file, a missing column or a missing label.
std::vector<TextExample> read_text_examples(const std::string& path, const TextColumns& columns, LabelNeed need);

class LabelSet {
 public:
  LabelSet() = default;
  explicit LabelSet(std::vector<std::string> names);
  // The labels of the examples: integers in numeric order when all are integers, else sorted
  // as strings. InputError when fewer than two distinct labels are present.
  static LabelSet from_examples(const std::vector<TextExample>& examples, const std::string& file);
  // From config.json's id2label ({"0": "negative", ...}); InputError naming the file when absent
  // or not ids 0..n-1.
  static LabelSet from_config(const nlohmann::json& config, const std::string& file);
  // id2label, label2id and num_labels, as HF writes them.
  void write_to(nlohmann::json& config) const;

  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  std::optional<std::int64_t> find(const std::string& label) const;
  // The id of the example's label; InputError "FILE:LINE: label 'x' is not one the model knows".
  std::int64_t id_of(const TextExample& example, const std::string& file) const;

 private:
  std::vector<std::string> names_;
};

}  // namespace frugal
