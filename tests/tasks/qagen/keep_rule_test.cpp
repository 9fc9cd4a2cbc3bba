#include "tasks/qagen/keep_rule.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/squad.h"
#include "tasks/qagen/records.h"
#include "test_support.h"

namespace frugal {

namespace {

using test::error_of;

// A filtered record as `qagen filter` writes it.
nlohmann::json verdict(const std::string& paragraph, const std::string& title, const std::string& context, double f1, bool exact,
                       double probability, bool kept) {
  return {{"paragraph_id", paragraph}, {"title", title}, {"context", context}, {"answer", "cat"}, {"answer_start", 4},
          {"question", "what?"}, {"qa_answer", exact ? "cat" : "a cat"}, {"f1", f1}, {"exact", exact},
          {"qa_probability", probability}, {"kept", kept}};
}

std::string jsonl_file(const std::vector<nlohmann::json>& records) {
  std::string text;
  for (const auto& r : records) text += jsonl(r);
  return text;
}

}  // namespace

TEST(KeepRule, DecidesByAnswerAgreementAndOptionalConfidence) {
  const KeepRule exact{"exact"};
  EXPECT_TRUE(exact.keeps(1.0, true, 0.01));
  EXPECT_FALSE(exact.keeps(0.9, false, 0.99));
  const KeepRule f1{"f1", 0.5};
  EXPECT_TRUE(f1.keeps(0.5, false, 0.0));  // the threshold itself is kept
  EXPECT_FALSE(f1.keeps(0.49, false, 1.0));
  const KeepRule gated{"f1", 0.5, 0.5};
  EXPECT_TRUE(gated.keeps(0.8, false, 0.5));
  EXPECT_FALSE(gated.keeps(0.8, false, 0.49));
  EXPECT_FALSE(gated.keeps(0.4, false, 0.9));

  EXPECT_EQ(exact.describe(), "exact");
  EXPECT_EQ(f1.describe(), "F1 >= 0.5");
  EXPECT_EQ(gated.describe(), "F1 >= 0.5 and probability >= 0.5");
  // results.json's "filter", as it was before the probability gate existed
  EXPECT_EQ(exact.to_json().dump(), R"({"mode":"exact"})");
  EXPECT_EQ(f1.to_json().dump(), R"({"f1_threshold":0.5,"mode":"f1"})");
  EXPECT_EQ(gated.to_json().dump(), R"({"f1_threshold":0.5,"min_probability":0.5,"mode":"f1"})");

  EXPECT_NE(error_of([] { KeepRule{"F1"}.check("cfg.json"); }).find("cfg.json: filter mode must be exact or f1, not 'F1'"), std::string::npos);
  EXPECT_NE(error_of([] { KeepRule{"f1", 5}.check("cfg.json"); }).find("f1_threshold 5 is not in [0, 1]"), std::string::npos);
  EXPECT_NE(error_of([] { KeepRule{"f1", 0.5, -0.1}.check("x"); }).find("min_probability -0.1 is not in [0, 1]"), std::string::npos);
  EXPECT_EQ(error_of([] { KeepRule{"f1", 1.0, 1.0}.check("x"); }), "(no error)");
}

TEST(KeepRule, ReappliedRuleRewritesOnlyTheVerdicts) {
  const auto dir = test::scratch_dir("keep_rule");
  const std::vector<nlohmann::json> records = {verdict("a0-p0", "T", "the cat sat", 1.0, true, 0.9, true),
                                               verdict("a0-p0", "T", "the cat sat", 0.6, false, 0.3, true),
                                               verdict("a0-p1", "T", "a cat ran", 0.2, false, 0.8, false),
                                               verdict("a1-p0", "U", "cats", 0.7, false, 0.7, true)};
  test::write_text(dir + "/filtered.jsonl", jsonl_file(records));

  const auto stats = apply_keep_rule(dir + "/filtered.jsonl", dir + "/gated.jsonl", KeepRule{"f1", 0.5, 0.5});
  EXPECT_EQ(stats["questions"], 4);
  EXPECT_EQ(stats["kept"], 2);
  EXPECT_DOUBLE_EQ(stats["kept_percent"].get<double>(), 50.0);
  const auto rekept = read_records(dir + "/gated.jsonl");
  ASSERT_EQ(rekept.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    auto expected = records[i];
    expected["kept"] = i == 0 || i == 3;
    EXPECT_EQ(rekept[i], expected) << i;
  }
  // The same rule as the stage's gives the same file; in place is allowed.
  apply_keep_rule(dir + "/filtered.jsonl", dir + "/same.jsonl", KeepRule{"f1", 0.5});
  EXPECT_EQ(read_file(dir + "/same.jsonl"), read_file(dir + "/filtered.jsonl"));
  apply_keep_rule(dir + "/gated.jsonl", dir + "/gated.jsonl", KeepRule{"exact"});
  EXPECT_EQ(apply_keep_rule(dir + "/gated.jsonl", dir + "/again.jsonl", KeepRule{"exact"})["kept"], 1);

  // Kept pairs as SQuAD: written and in memory alike; all pairs with all = true.
  const auto counts = write_synthetic_squad(dir + "/filtered.jsonl", dir + "/kept.json", false);
  EXPECT_EQ(counts["questions"], 3);
  EXPECT_EQ(counts["paragraphs"], 2);
  EXPECT_EQ(counts["articles"], 2);
  EXPECT_EQ(squad_to_json(read_synthetic_squad(dir + "/filtered.jsonl", false)), read_file(dir + "/kept.json"));
  const auto all = read_synthetic_squad(dir + "/filtered.jsonl", true);
  EXPECT_EQ(all.num_questions(), 4u);
  EXPECT_EQ(all.num_paragraphs(), 3u);
  EXPECT_EQ(all.articles[0].paragraphs[1].qas[0].id, "syn-a0-p1-3");  // paragraph id and line
}

TEST(KeepRule, RecordsWithoutVerdictsNameTheFileLineAndField) {
  const auto dir = test::scratch_dir("keep_rule_bad");
  auto r = verdict("a0-p0", "T", "c", 1.0, true, 0.9, true);
  r.erase("qa_probability");
  test::write_text(dir + "/bad.jsonl", jsonl_file({verdict("a0-p0", "T", "c", 1.0, true, 0.9, true), r}));
  const auto e = error_of([&] { apply_keep_rule(dir + "/bad.jsonl", dir + "/out.jsonl", KeepRule{}); });
  EXPECT_NE(e.find("bad.jsonl:2"), std::string::npos) << e;
  EXPECT_NE(e.find("qa_probability"), std::string::npos) << e;
  EXPECT_NE(e.find("qagen filter"), std::string::npos) << e;  // names the stage that writes verdicts
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.jsonl"));  // no partial output
  r = verdict("a0-p0", "T", "c", 1.0, true, 0.9, true);
  r["exact"] = "yes";
  test::write_text(dir + "/bad.jsonl", jsonl_file({r}));
  EXPECT_NE(error_of([&] { apply_keep_rule(dir + "/bad.jsonl", dir + "/out.jsonl", KeepRule{}); }).find("bad.jsonl:1"), std::string::npos);
}

}  // namespace frugal
