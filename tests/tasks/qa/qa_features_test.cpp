#include "tasks/qa/qa_features.h"

#include <gtest/gtest.h>

#include "core/utf8.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

Tokenizer bert() { return load_tokenizer(test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt"); }

QaQuestion question_about(const std::string& context, const std::string& answer) {
  QaQuestion q;
  q.id = "q1";
  q.question = "Where did the café owner go?";
  q.context = context;
  const auto byte = context.find(answer);
  const CodePointIndex index(context);
  q.answers.push_back({answer, static_cast<std::int64_t>(index.code_point_at(byte))});
  return q;
}

std::string span_text(const QaQuestion& q, const QaFeature& f) {
  const CodePointIndex index(q.context);
  return std::string(index.slice(q.context, static_cast<std::size_t>(f.context_begin[static_cast<std::size_t>(f.start)]),
                                 static_cast<std::size_t>(f.context_end[static_cast<std::size_t>(f.end)])));
}

}  // namespace

TEST(QaFeatures, LongContextsBecomeOverlappingWindowsWithTheAnswerLabelled) {
  auto tokenizer = bert();
  std::string context;
  for (int i = 0; i < 40; ++i) context += "The café owner walked along street number " + std::to_string(i) + ". ";
  context += "Finally the café owner went to the Zürich market square. ";
  for (int i = 0; i < 10; ++i) context += "Nothing else happened on day " + std::to_string(i) + ". ";
  const std::vector<QaQuestion> questions = {question_about(context, "the Zürich market square")};
  QaFeatureOptions o;
  o.max_length = 64;
  o.stride = 16;
  QaFeatureStats stats;
  const auto features = make_qa_features(tokenizer, questions, o, &stats);
  ASSERT_GT(features.size(), 5u);
  EXPECT_EQ(stats.features, features.size());
  EXPECT_FALSE(tokenizer.truncation().has_value());  // restored
  std::size_t labelled = 0;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const auto& f = features[i];
    EXPECT_LE(f.ids.size(), 64u);
    EXPECT_EQ(f.ids.front(), tokenizer.token_to_id("[CLS]"));
    if (f.start > 0) {
      ++labelled;
      EXPECT_EQ(span_text(questions[0], f), "the Zürich market square");
    } else {
      EXPECT_EQ(f.end, 0);
    }
    if (i > 0) {  // the first 16 context tokens of a window repeat the previous window's last 16
      std::vector<std::int32_t> prev_ctx, ctx;
      for (std::size_t t = 0; t < features[i - 1].ids.size(); ++t) if (features[i - 1].context_begin[t] >= 0) prev_ctx.push_back(features[i - 1].context_begin[t]);
      for (std::size_t t = 0; t < f.ids.size(); ++t) if (f.context_begin[t] >= 0) ctx.push_back(f.context_begin[t]);
      ASSERT_GE(prev_ctx.size(), 16u);
      EXPECT_EQ(std::vector<std::int32_t>(prev_ctx.end() - 16, prev_ctx.end()), std::vector<std::int32_t>(ctx.begin(), ctx.begin() + 16));
    }
  }
  EXPECT_GE(labelled, 1u);
  EXPECT_LE(labelled, 2u);
}

TEST(QaFeatures, DecodingPicksTheBestValidSpanAndScoresNoAnswer) {
  auto tokenizer = bert();
  const auto q = question_about("The owner went to the Zürich market square on Monday.", "Zürich market square");
  const auto features = make_qa_features(tokenizer, {q}, QaFeatureOptions{});
  ASSERT_EQ(features.size(), 1u);
  const auto& f = features[0];
  ASSERT_GT(f.start, 0);
  std::vector<float> start(f.ids.size(), 0.0f), end(f.ids.size(), 0.0f);
  start[static_cast<std::size_t>(f.start)] = 5;
  end[static_cast<std::size_t>(f.end)] = 5;
  // Higher-scoring but invalid positions: question tokens (1, 2) are never part of an answer.
  ASSERT_LT(f.context_begin[1], 0);
  start[1] = 20;
  end[2] = 20;
  QaDecodeOptions o;
  auto a = decode_answer(q, {&f}, {start}, {end}, o);
  EXPECT_EQ(a.text, "Zürich market square");
  EXPECT_GT(a.nbest.size(), 1u);
  double total = 0;
  for (const auto& c : a.nbest) total += c.probability;
  EXPECT_NEAR(total, 1.0, 1e-9);
  // Too long for max_answer_length.
  o.max_answer_length = 1;
  EXPECT_NE(decode_answer(q, {&f}, {start}, {end}, o).text, "Zürich market square");
  // v2: a strong [CLS] score means no answer.
  o.max_answer_length = 30;
  o.allow_no_answer = true;
  start[0] = 20;
  end[0] = 20;
  a = decode_answer(q, {&f}, {start}, {end}, o);
  EXPECT_EQ(a.text, "");
  EXPECT_GT(a.no_answer_probability, 0.99);
  start[0] = -20;
  end[0] = -20;
  a = decode_answer(q, {&f}, {start}, {end}, o);
  EXPECT_EQ(a.text, "Zürich market square");
  EXPECT_LT(a.no_answer_probability, 0.01);
}

}  // namespace frugal
