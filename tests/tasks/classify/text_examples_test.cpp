#include "tasks/classify/text_examples.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tasks/classify/classify_metrics.h"
#include "test_support.h"

namespace frugal {
namespace {

using test::error_of;

TEST(TextExamples, ReadsColumnsByNameAndKeepsLineNumbers) {
  const auto path = test::scratch_dir("tsv") + "/a.tsv";
  test::write_text(path, "label\tsentence\textra\n1\tgood film\tx\n\n0\tbad film\ty\n");
  const auto rows = read_text_examples(path, {}, LabelNeed::kRequired);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "good film");
  EXPECT_EQ(rows[0].label, "1");
  EXPECT_EQ(rows[1].line, 4u);
  // Predicting needs no label column.
  test::write_text(path, "sentence\nno label here\n");
  EXPECT_EQ(read_text_examples(path, {}, LabelNeed::kOptional).size(), 1u);
}

TEST(TextExamples, MalformedFilesNameTheFileAndLine) {
  const auto path = test::scratch_dir("tsv_bad") + "/b.tsv";
  test::write_text(path, "sentence\tlabel\nok\t1\nragged row\n");
  EXPECT_EQ(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }), path + ":3: 1 fields, the header has 2 columns");
  test::write_text(path, "text\tlabel\nok\t1\n");
  EXPECT_EQ(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }),
            path + ":1: no column 'sentence' (the header has: text, label)");
  test::write_text(path, "sentence\tlabel\nok\t\n");
  EXPECT_EQ(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }), path + ":2: no label in column 'label'");
  test::write_text(path, "sentence\tlabel\nok\t1\nbad \xff byte\t0\n");
  EXPECT_NE(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }).find(path + ":3:"), std::string::npos);
  test::write_text(path, "sentence\tlabel\n");
  EXPECT_EQ(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }), path + ":1: a header and no rows");
  test::write_text(path, "sentence\tsentence\nok\tok\n");
  EXPECT_NE(error_of([&] { read_text_examples(path, {}, LabelNeed::kRequired); }).find("appears twice"), std::string::npos);
}

TEST(LabelSet, IntegersSortNumericallyStringsAlphabetically) {
  std::vector<TextExample> ints{{"a", "", "10", 2}, {"b", "", "2", 3}, {"c", "", "2", 4}, {"d", "", "-1", 5}};
  EXPECT_EQ(LabelSet::from_examples(ints, "f").names(), (std::vector<std::string>{"-1", "2", "10"}));
  std::vector<TextExample> words{{"a", "", "positive", 2}, {"b", "", "negative", 3}};
  const auto set = LabelSet::from_examples(words, "f");
  EXPECT_EQ(set.names(), (std::vector<std::string>{"negative", "positive"}));
  nlohmann::json config;
  set.write_to(config);
  EXPECT_EQ(config["id2label"]["1"], "positive");
  EXPECT_EQ(config["label2id"]["negative"], 0);
  EXPECT_EQ(config["num_labels"], 2);
  EXPECT_EQ(LabelSet::from_config(config, "c").names(), set.names());
  EXPECT_EQ(error_of([&] { set.id_of({"x", "", "neutral", 7}, "dev.tsv"); }),
            "dev.tsv:7: label 'neutral' is not one the model knows (negative, positive)");
  std::vector<TextExample> one{{"a", "", "1", 2}};
  EXPECT_THROW(LabelSet::from_examples(one, "f"), InputError);
  EXPECT_THROW(LabelSet::from_config(nlohmann::json::parse(R"({"id2label": {"0": "a", "2": "b"}})"), "c"), InputError);
}

// scikit-learn's definitions worked by hand (tests/apps/classify_distill_test.sh compares with
// scikit-learn itself).
TEST(ClassificationScores, MatchScikitLearn) {
  const std::vector<std::vector<float>> p = {{0.7f, 0.2f, 0.1f}, {0.1f, 0.8f, 0.1f}, {0.3f, 0.3f, 0.4f}, {0.6f, 0.3f, 0.1f}};
  const std::vector<std::int64_t> y = {0, 1, 1, 2};
  const auto s = score_classification(p, y);
  EXPECT_DOUBLE_EQ(s.accuracy, 0.5);
  // per label F1: 0 -> 2/3, 1 -> 2/3, 2 -> 0; predictions 0,1,2,0
  EXPECT_NEAR(s.macro_f1, (2.0 / 3 + 2.0 / 3 + 0) / 3, 1e-12);
  EXPECT_NEAR(s.log_loss, -(std::log(0.7) + std::log(0.8) + std::log(0.3) + std::log(0.1)) / 4, 1e-6);
  EXPECT_EQ(s.examples, 4u);
}

}  // namespace
}  // namespace frugal
