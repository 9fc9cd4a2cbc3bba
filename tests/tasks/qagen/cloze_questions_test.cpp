#include "tasks/qagen/cloze_questions.h"

#include <gtest/gtest.h>

#include "core/utf8.h"

namespace frugal {

namespace {
// The question for the first occurrence of `answer` in `context`.
std::string cloze_for(const std::string& context, const std::string& answer, const ClozeQuestionOptions& o = {}) {
  const auto byte = context.find(answer);
  const auto start = static_cast<std::int64_t>(CodePointIndex(context).code_point_at(byte));
  return cloze_question(context, answer, start, o);
}
}  // namespace

TEST(ClozeQuestions, WhWordFollowsTheAnswersSurface) {
  EXPECT_EQ(cloze_wh_word("1066", "in"), "When");
  EXPECT_EQ(cloze_wh_word("the 10th and 11th centuries", "in"), "When");
  EXPECT_EQ(cloze_wh_word("March 3", "on"), "When");
  EXPECT_EQ(cloze_wh_word("three", "had"), "How many");
  EXPECT_EQ(cloze_wh_word("52 species", "had"), "How many");
  EXPECT_EQ(cloze_wh_word("$52,700", "cost"), "How much");
  EXPECT_EQ(cloze_wh_word("Normandy", "in"), "Where");
  EXPECT_EQ(cloze_wh_word("Rollo", "leader"), "Who");
  EXPECT_EQ(cloze_wh_word("the Duchy", "was"), "What");
  EXPECT_EQ(cloze_wh_word("fealty", "swear"), "What");
}

TEST(ClozeQuestions, TheAnswersSentenceLosesTheAnswerAndGainsTheWhWord) {
  const std::string context =
      "Rollo led the Vikings. The Normans were in Normandy in the 10th and 11th centuries. They spoke Norman French.";
  EXPECT_EQ(cloze_for(context, "10th and 11th centuries"), "When the Normans were in Normandy?");
  EXPECT_EQ(cloze_for(context, "Normandy"), "Where the Normans were in the 10th and 11th centuries?");
  EXPECT_EQ(cloze_for(context, "Norman French"), "Who They spoke?");
  EXPECT_EQ(cloze_for(context, "Vikings"), "Who Rollo led?");
  // Only a few words either side stay.
  EXPECT_EQ(cloze_for(context, "Normandy", ClozeQuestionOptions{2}), "Where Normans were in the?");
}

TEST(ClozeQuestions, NoQuestionWhereTheAnswerIsNotAtItsOffset) {
  const std::string context = "Caf\xC3\xA9 owners in Paris opened in 1890.";
  EXPECT_EQ(cloze_question(context, "Paris", 16, {}), "");  // 16 is a byte offset, not a code point one
  EXPECT_EQ(cloze_question(context, "Paris", 15, {}), "Where Caf\xC3\xA9 owners opened in 1890?");
  EXPECT_EQ(cloze_question(context, "Paris", -1, {}), "");
  EXPECT_EQ(cloze_question(context, "1890", 500, {}), "");
  EXPECT_EQ(cloze_question("Yes.", "Yes", 0, {}), "");  // nothing of the sentence left
}

}  // namespace frugal
