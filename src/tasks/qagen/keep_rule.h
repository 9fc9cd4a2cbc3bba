#pragma once
// The round-trip filter's keep rule, and what can be done with its verdicts without the filter
// model: re-deciding them under another rule, and writing the kept (or all) pairs as SQuAD.
// A filtered JSONL record (records.h) carries everything a rule looks at: f1 and exact (the
// filter reader's answer against the generated one) and qa_probability (the reader's confidence).
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "data/squad.h"

namespace frugal {

struct KeepRule {
  std::string mode = "exact";   // exact (normalised answers equal) | f1 (F1 >= f1_threshold)
  double f1_threshold = 0.5;
  double min_probability = 0.0;  // and the filter reader's probability >= this (0: not looked at)

  // Throws InputError (naming `where`) for an unknown mode or a threshold outside [0, 1].
  void check(const std::string& where) const;
  bool keeps(double f1, bool exact, double probability) const;
  // {"mode"[, "f1_threshold" in f1 mode][, "min_probability" when > 0]}: as results.json records it.
  nlohmann::json to_json() const;
  // "F1 >= 0.5", "exact", "F1 >= 0.5 and probability >= 0.5"
  std::string describe() const;
};

// Rewrites every record's `kept` under `rule` (filtered JSONL in -> out, atomically; in == out
// is allowed). Returns {"questions", "kept", "kept_percent", "rule"}.
nlohmann::json apply_keep_rule(const std::string& filtered, const std::string& out, const KeepRule& rule);

// The kept (or, with all = true, every) question of a filtered JSONL as SQuAD articles, streamed in
// file order: an article per run of records with one title (untitled ones: "synthetic", at most
// 256 paragraphs each), question ids "syn-PARAGRAPH_ID-LINE".
void for_each_synthetic_article(const std::string& filtered, bool all, const std::function<void(const SquadArticle&)>& fn);
// The same as SQuAD v1.1 JSON (returns counts), or in memory.
nlohmann::json write_synthetic_squad(const std::string& filtered, const std::string& out, bool all);
SquadDataset read_synthetic_squad(const std::string& filtered, bool all);

}  // namespace frugal
