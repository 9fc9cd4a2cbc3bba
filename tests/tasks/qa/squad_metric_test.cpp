#include "tasks/qa/squad_metric.h"

#include <gtest/gtest.h>

namespace frugal {

TEST(SquadMetric, NormalizeAsTheOfficialScript) {
  EXPECT_EQ(squad_normalize("The  Quick, brown fox!"), "quick brown fox");
  EXPECT_EQ(squad_normalize("an apple a day"), "apple day");
  EXPECT_EQ(squad_normalize("Theatre"), "theatre");            // not an article
  EXPECT_EQ(squad_normalize("a-the"), "athe");                 // punctuation goes first
  // 'thé' is no article; in a decomposed 'á' the combining accent is no word character, so
  // the 'a' before it is a word of its own, and an article (as in Python).
  EXPECT_EQ(squad_normalize("th\xc3\xa9 a\xcc\x81"), "th\xc3\xa9 \xcc\x81");
  EXPECT_EQ(squad_normalize("\xe2\x80\x9cquoted\xe2\x80\x9d"), "\xe2\x80\x9cquoted\xe2\x80\x9d");  // curly quotes stay
  EXPECT_EQ(squad_normalize("x\xc2\xa0y\xe2\x80\x89z\xe2\x80\x8bw"), "x y z\xe2\x80\x8bw");  // NBSP, thin space split; ZWSP not
  EXPECT_EQ(squad_normalize("..."), "");
}

TEST(SquadMetric, UnderscoreIsPunctuationRemovedBeforeArticles) {
  // lower -> remove punctuation ('_' included) -> articles: "the_end" becomes "theend".
  EXPECT_EQ(squad_normalize("the_end"), "theend");
}

TEST(SquadMetric, F1DiffersBetweenVersionsOnEmptyAnswers) {
  EXPECT_EQ(squad_f1("", "", SquadMetricVersion::V1_1), 0.0);
  EXPECT_EQ(squad_f1("", "", SquadMetricVersion::V2_0), 1.0);
  EXPECT_EQ(squad_f1("the", "", SquadMetricVersion::V2_0), 1.0);  // both normalize to nothing
  EXPECT_EQ(squad_f1("x", "", SquadMetricVersion::V2_0), 0.0);
  EXPECT_DOUBLE_EQ(squad_f1("red big dog", "big red cat", SquadMetricVersion::V1_1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(squad_f1("a a b", "a b b", SquadMetricVersion::V1_1), 2.0 / 3.0);  // multiset overlap
  EXPECT_TRUE(squad_exact("The Eiffel Tower.", "eiffel   tower"));
  EXPECT_FALSE(squad_exact("Eiffel", "Eiffel Tower"));
}

}  // namespace frugal
