#include "tasks/qagen/keep_rule.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/squad.h"
#include "tasks/qagen/records.h"

namespace frugal {

void KeepRule::check(const std::string& where) const {
  if (mode != "exact" && mode != "f1") throw InputError(where + ": filter mode must be exact or f1, not '" + mode + "'");
  if (!(f1_threshold >= 0.0 && f1_threshold <= 1.0)) throw InputError(fmt::format("{}: f1_threshold {} is not in [0, 1]", where, f1_threshold));
  if (!(min_probability >= 0.0 && min_probability <= 1.0)) {
    throw InputError(fmt::format("{}: min_probability {} is not in [0, 1]", where, min_probability));
  }
}

bool KeepRule::keeps(double f1, bool exact, double probability) const {
  const bool answer_agrees = mode == "exact" ? exact : f1 >= f1_threshold;
  return answer_agrees && probability >= min_probability;
}

nlohmann::json KeepRule::to_json() const {
  nlohmann::json j = {{"mode", mode}};
  if (mode == "f1") j["f1_threshold"] = f1_threshold;
  if (min_probability > 0.0) j["min_probability"] = min_probability;
  return j;
}

std::string KeepRule::describe() const {
  std::string text = mode == "exact" ? "exact" : fmt::format("F1 >= {}", f1_threshold);
  if (min_probability > 0.0) text += fmt::format(" and probability >= {}", min_probability);
  return text;
}

nlohmann::json apply_keep_rule(const std::string& filtered, const std::string& out, const KeepRule& rule) {
  rule.check(filtered);
  AtomicFile file(out);
  std::size_t questions = 0, kept = 0;
  for_each_record(filtered, [&](nlohmann::json& r, std::uint64_t line) {
    bool keep = false;
    try {
      keep = rule.keeps(record_double(r, "f1", filtered, line), record_bool(r, "exact", filtered, line),
                        record_double(r, "qa_probability", filtered, line));
    } catch (const InputError& e) {
      // The likeliest cause is a file from another stage: say which one writes verdicts.
      throw InputError(e.where(), e.detail() + " (a file written by frugal qagen filter?)");
    }
    r["kept"] = keep;
    file.write(jsonl(r));
    ++questions;
    kept += keep ? 1 : 0;
  });
  file.commit();
  return {{"questions", questions},
          {"kept", kept},
          {"kept_percent", questions > 0 ? 100.0 * static_cast<double>(kept) / static_cast<double>(questions) : 0.0},
          {"rule", rule.to_json()}};
}

void for_each_synthetic_article(const std::string& filtered, bool all, const std::function<void(const SquadArticle&)>& fn) {
  // Records arrive grouped by paragraph (the stages keep input order), so an article is complete
  // when the title changes. Untitled input (text lines) becomes articles of at most
  // kParagraphsPerArticle paragraphs, so memory stays bounded.
  constexpr std::size_t kParagraphsPerArticle = 256;
  SquadArticle article;
  const auto flush = [&] {
    if (!article.paragraphs.empty()) fn(article);
    article.paragraphs.clear();
  };
  for_each_record(filtered, [&](nlohmann::json& r, std::uint64_t line) {
    if (!all && !record_bool(r, "kept", false, filtered, line)) return;
    auto title = record_string_or(r, "title", "", filtered, line);
    if (title.empty()) title = "synthetic";
    auto context = record_string(r, "context", filtered, line);
    if (title != article.title || article.paragraphs.size() >= kParagraphsPerArticle) {
      flush();
      article.title = title;
    }
    if (article.paragraphs.empty() || article.paragraphs.back().context != context) article.paragraphs.push_back({std::move(context), {}});
    SquadQuestion q;
    q.id = fmt::format("syn-{}-{}", record_string(r, "paragraph_id", filtered, line), line);
    q.question = record_string(r, "question", filtered, line);
    q.answers.push_back({record_string(r, "answer", filtered, line), record_int(r, "answer_start", filtered, line)});
    article.paragraphs.back().qas.push_back(std::move(q));
  });
  flush();
}

nlohmann::json write_synthetic_squad(const std::string& filtered, const std::string& out, bool all) {
  SquadWriter writer(out, "1.1");
  std::size_t questions = 0, paragraphs = 0;
  for_each_synthetic_article(filtered, all, [&](const SquadArticle& article) {
    writer.add(article);
    paragraphs += article.paragraphs.size();
    for (const auto& p : article.paragraphs) questions += p.qas.size();
  });
  writer.commit();
  return {{"questions", questions}, {"paragraphs", paragraphs}, {"articles", writer.articles()}};
}

SquadDataset read_synthetic_squad(const std::string& filtered, bool all) {
  SquadDataset data;
  data.version = "1.1";
  for_each_synthetic_article(filtered, all, [&](const SquadArticle& article) { data.articles.push_back(article); });
  return data;
}

}  // namespace frugal
