#include "tasks/qa/lexical_match.h"

#include <gtest/gtest.h>

#include "core/utf8.h"
#include "tasks/qa/qa_features.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

// The match id of the word starting at `word` in `context`.
std::int32_t match_of(const std::string& context, const std::string& question, const std::string& word) {
  const auto per_code_point = lexical_match_per_code_point(context, question);
  const CodePointIndex index(context);
  EXPECT_EQ(per_code_point.size(), index.size());
  return per_code_point.at(index.code_point_at(context.find(word)));
}

}  // namespace

TEST(LexicalMatch, ContextWordsAreMarkedByTheirMatchWithTheQuestion) {
  const std::string context = "The Eiffel Tower is in Paris, France.";
  const std::string question = "Where is the EIFFEL tower?";
  EXPECT_EQ(match_of(context, question, "Eiffel"), kContentMatch);  // case folded
  EXPECT_EQ(match_of(context, question, "Tower"), kContentMatch);
  EXPECT_EQ(match_of(context, question, "The"), kStopwordMatch);
  EXPECT_EQ(match_of(context, question, "is"), kStopwordMatch);
  EXPECT_EQ(match_of(context, question, "in"), kNoLexicalMatch);  // not asked
  EXPECT_EQ(match_of(context, question, "Paris"), kNoLexicalMatch);
  // Separators between words match nothing.
  const auto per_code_point = lexical_match_per_code_point(context, question);
  EXPECT_EQ(per_code_point[3], kNoLexicalMatch);  // the space after "The"
}

TEST(LexicalMatch, CodePointsNotBytesIndexTheContext) {
  const std::string context = "Der Zürich café öffnet früh.";
  const auto per_code_point = lexical_match_per_code_point(context, "Wann öffnet das café?");
  const CodePointIndex index(context);
  ASSERT_EQ(per_code_point.size(), index.size());
  const auto cafe = index.code_point_at(context.find("café"));
  for (std::size_t c = cafe; c < cafe + 4; ++c) EXPECT_EQ(per_code_point[c], kContentMatch) << c;
  EXPECT_EQ(per_code_point[cafe + 4], kNoLexicalMatch);
  EXPECT_EQ(per_code_point[index.code_point_at(context.find("Zürich"))], kNoLexicalMatch);
  EXPECT_EQ(per_code_point[index.code_point_at(context.find("früh"))], kNoLexicalMatch);
  EXPECT_TRUE(lexical_match_per_code_point("", "anything").empty());
}

TEST(LexicalMatch, QaFeaturesCarryOneIdPerTokenOnTheContextOnly) {
  auto tokenizer = load_tokenizer(test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt");
  QaQuestion q;
  q.id = "q";
  q.question = "Which river flows through Vienna?";
  q.context = "The Danube flows through Vienna and Budapest.";
  const auto features = make_qa_features(tokenizer, {q}, {});
  ASSERT_EQ(features.size(), 1u);
  const auto& f = features[0];
  ASSERT_EQ(f.lexical_match.size(), f.ids.size());
  std::size_t content = 0;
  for (std::size_t t = 0; t < f.ids.size(); ++t) {
    if (f.context_begin[t] < 0) {
      EXPECT_EQ(f.lexical_match[t], kNoLexicalMatch) << "question or special token " << t;
      continue;
    }
    const auto piece = tokenizer.id_to_token(f.ids[t]);
    if (piece == "vienna" || piece == "flows" || piece == "through") {
      EXPECT_EQ(f.lexical_match[t], kContentMatch) << piece;
      ++content;
    }
    if (piece == "danube" || piece == "budapest") EXPECT_EQ(f.lexical_match[t], kNoLexicalMatch) << piece;
  }
  EXPECT_EQ(content, 3u);
}

}  // namespace frugal
