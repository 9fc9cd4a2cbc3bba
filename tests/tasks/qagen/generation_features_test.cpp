#include <gtest/gtest.h>

#include "tasks/qagen/answer_features.h"
#include "tasks/qagen/question_features.h"

namespace frugal {

TEST(AnswerWordEdges, SpansMayNotStartOrEndInsideAWord) {
  // "Roger II" and "Café-Noir": code points 0..n.
  const auto edges = answer_word_edges("Roger II, Caf\xC3\xA9-Noir");
  ASSERT_EQ(edges.size(), 20u);
  EXPECT_TRUE(edges[0]);
  EXPECT_FALSE(edges[3]);  // "Rog|er"
  EXPECT_TRUE(edges[5]);   // "Roger| II"
  EXPECT_TRUE(edges[6]);
  EXPECT_TRUE(edges[8]);   // "II|,"
  EXPECT_FALSE(edges[13]); // "Caf|é": non-ASCII letters are word characters
  EXPECT_TRUE(edges[14]);  // "Café|-"
  EXPECT_TRUE(edges[15]);  // "-|Noir"
  EXPECT_TRUE(edges[19]);
}

TEST(QuestionCopyTokens, ContextNearTheAnswerWithoutTheAnswersIds) {
  QuestionFeature f;
  // context 10 11 [12 13] 14 15 16, <sep>=99, answer copy 12 13, <sep>
  f.ids = {10, 11, 12, 13, 14, 11, 16, 99, 12, 13, 99};
  f.types = {kTextType, kTextType, kAnswerType, kAnswerType, kTextType, kTextType, kTextType,
             kAnswerType, kAnswerType, kAnswerType, kQuestionType};
  EXPECT_EQ(question_copy_tokens(f, 99, 32), (std::vector<std::int32_t>{10, 11, 14, 16}));
  EXPECT_EQ(question_copy_tokens(f, 99, 1), (std::vector<std::int32_t>{11, 14}));
  // A context token equal to an answer id is not copied.
  f.ids[0] = 13;
  EXPECT_EQ(question_copy_tokens(f, 99, 32), (std::vector<std::int32_t>{11, 14, 16}));
  // An answer at the window's end: the run of answer types continues into <sep>.
  QuestionFeature g;
  g.ids = {10, 11, 12, 99, 12, 99};
  g.types = {kTextType, kTextType, kAnswerType, kAnswerType, kAnswerType, kQuestionType};
  EXPECT_EQ(question_copy_tokens(g, 99, 32), (std::vector<std::int32_t>{10, 11}));
  EXPECT_TRUE(question_copy_tokens(QuestionFeature{}, 99, 32).empty());
}

}  // namespace frugal
