#include "tasks/qa/lexical_match.h"

#include <gtest/gtest.h>

#include "core/error.h"
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

TEST(LexicalMatch, TheSentenceSchemeAddsHowWellEachSentenceMatches) {
  // Sentence 0 holds three of the question's content words (eiffel, tower, stand: stems match),
  // sentence 1 one (paris), sentence 2 none.
  const std::string context = "The Eiffel Tower stands tall. Paris loves it! Nothing here.";
  const std::string question = "Where does the Eiffel Tower stand in Paris?";
  const auto ids = lexical_match_per_code_point(context, question, kLexicalSentenceMatchTypes);
  const CodePointIndex index(context);
  ASSERT_EQ(ids.size(), index.size());
  const auto at = [&](const std::string& word) { return ids.at(index.code_point_at(context.find(word))); };
  const auto id = [](std::int32_t word, std::int32_t count, std::int32_t best) { return word + 3 * (count + 5 * best); };
  EXPECT_EQ(at("Eiffel"), id(kContentMatch, 3, 1));
  EXPECT_EQ(at("The"), id(kStopwordMatch, 3, 1));
  EXPECT_EQ(at("stands"), id(kContentMatch, 3, 1));  // "stand" is asked: the same stem
  EXPECT_EQ(at("tall"), id(kNoLexicalMatch, 3, 1));
  EXPECT_EQ(at(". Paris"), id(kNoLexicalMatch, 3, 1));  // the full stop stays in its sentence
  EXPECT_EQ(at("Paris"), id(kContentMatch, 1, 0));
  EXPECT_EQ(at("loves"), id(kNoLexicalMatch, 1, 0));
  EXPECT_EQ(at("Nothing"), id(kNoLexicalMatch, 0, 0));
  for (const auto i : ids) EXPECT_LT(i, kLexicalSentenceMatchTypes);
  // Counts stop at four; two sentences with the most share "best"; the word scheme ignores sentences.
  const auto many = lexical_match_per_code_point("v w x y z. w x y z v.", "v w x y z", kLexicalSentenceMatchTypes);
  EXPECT_EQ(many.front(), id(kContentMatch, 4, 1));
  EXPECT_EQ(many.back(), id(kNoLexicalMatch, 4, 1));
  const auto words_only = lexical_match_per_code_point(context, question, kLexicalMatchTypes);
  EXPECT_EQ(words_only.at(index.code_point_at(context.find("Paris"))), kContentMatch);
  EXPECT_EQ(words_only.at(index.code_point_at(context.find("stands"))), kNoLexicalMatch);  // whole words only
  for (const auto i : lexical_match_per_code_point(context, question, 0)) EXPECT_EQ(i, kNoLexicalMatch);
  // A question with no content word: every sentence counts 0 and none is best.
  EXPECT_EQ(lexical_match_per_code_point("It is what it is.", "what is it", kLexicalSentenceMatchTypes).front(), kStopwordMatch);
}

TEST(LexicalMatch, TheDistanceSchemeAddsHowFarTheNearestMatchOfTheSentenceIs) {
  // Words:           0    1      2    3   4   5     6     7    8   9    10    11 | 12   13
  const std::string context = "The king built a new palace in Vienna far away from here. Vienna grew.";
  const std::string question = "Which king built the palace?";  // content words: king, built, palace
  const auto ids = lexical_match_per_code_point(context, question, kLexicalDistanceMatchTypes);
  const CodePointIndex index(context);
  ASSERT_EQ(ids.size(), index.size());
  const auto at = [&](const std::string& word) { return ids.at(index.code_point_at(context.find(word))); };
  // Sentence 0 holds all three (count 3, best); sentence 1 none.
  const auto id = [](std::int32_t word, std::int32_t count, std::int32_t best, std::int32_t distance) {
    return word + 3 * (count + 5 * best) + 30 * distance;
  };
  EXPECT_EQ(at("king"), id(kContentMatch, 3, 1, 0));
  EXPECT_EQ(at("The"), id(kStopwordMatch, 3, 1, 1));
  EXPECT_EQ(at("a new"), id(kNoLexicalMatch, 3, 1, 1));  // next to "built"
  EXPECT_EQ(at("in Vienna"), id(kNoLexicalMatch, 3, 1, 1));
  EXPECT_EQ(at("Vienna far"), id(kNoLexicalMatch, 3, 1, 2));
  EXPECT_EQ(at("far"), id(kNoLexicalMatch, 3, 1, 3));   // 3 words
  EXPECT_EQ(at("away"), id(kNoLexicalMatch, 3, 1, 3));  // 4
  EXPECT_EQ(at("from"), id(kNoLexicalMatch, 3, 1, 4));  // 5
  EXPECT_EQ(at("Vienna grew"), id(kNoLexicalMatch, 0, 0, 5));  // no match in its sentence
  for (const auto i : ids) EXPECT_LT(i, kLexicalDistanceMatchTypes);
}

TEST(LexicalMatch, AnUnknownSchemeIsAnInputError) {
  auto tokenizer = load_tokenizer(test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt");
  QaQuestion q;
  q.question = "Who?";
  q.context = "Nobody.";
  QaFeatureOptions options;
  options.lexical_match_types = 7;
  EXPECT_THROW(make_qa_features(tokenizer, {q}, options), InputError);
  EXPECT_TRUE(is_lexical_match_scheme(0) && is_lexical_match_scheme(3) && is_lexical_match_scheme(30) && is_lexical_match_scheme(180));
  EXPECT_FALSE(is_lexical_match_scheme(16));
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
    if (piece == "danube" || piece == "budapest") {
      EXPECT_EQ(f.lexical_match[t], kNoLexicalMatch) << piece;
    }
  }
  EXPECT_EQ(content, 3u);
}

}  // namespace frugal
