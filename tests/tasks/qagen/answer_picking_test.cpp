#include <gtest/gtest.h>

#include <algorithm>

#include "tasks/qagen/answer_picking.h"

namespace frugal {
namespace {

// "the 10th and 11th centuries gave their name to Normandy": spans in code points.
std::vector<GeneratedAnswer> candidates() {
  return {{"10th and 11th centuries", 4, 27, 0.30}, {"11th centuries", 13, 27, 0.25}, {"Normandy", 47, 55, 0.20},
          {"the 10th", 0, 8, 0.10},               {"their name", 33, 43, 0.08},    {"The 10th", 0, 8, 0.05},
          {"name to Normandy", 39, 55, 0.02}};
}

std::vector<std::string> texts(const std::vector<GeneratedAnswer>& answers) {
  std::vector<std::string> out;
  for (const auto& a : answers) out.push_back(a.text);
  return out;
}

bool overlap(const GeneratedAnswer& a, const GeneratedAnswer& b) { return a.start_char < b.end_char && b.start_char < a.end_char; }

}  // namespace

TEST(PickAnswers, GreedyTakesTheMostProbableDistinctTexts) {
  AnswerSamplingOptions o;
  o.greedy = true;
  o.top_p = 1.0;
  o.per_context = 10;
  Rng rng(1);
  // "The 10th" normalises like "the 10th": dropped as a duplicate.
  EXPECT_EQ(texts(pick_answers(candidates(), o, rng)),
            (std::vector<std::string>{"10th and 11th centuries", "11th centuries", "Normandy", "the 10th", "their name",
                                      "name to Normandy"}));
  o.per_context = 2;
  EXPECT_EQ(texts(pick_answers(candidates(), o, rng)), (std::vector<std::string>{"10th and 11th centuries", "11th centuries"}));
}

TEST(PickAnswers, DisjointAnswersNeverShareACharacter) {
  AnswerSamplingOptions o;
  o.greedy = true;
  o.top_p = 1.0;
  o.per_context = 10;
  o.disjoint = true;
  Rng rng(1);
  // The most probable non-overlapping spans; "the 10th" overlaps the first, "name to Normandy"
  // the third and the fourth.
  EXPECT_EQ(texts(pick_answers(candidates(), o, rng)), (std::vector<std::string>{"10th and 11th centuries", "Normandy", "their name"}));
  o.greedy = false;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Rng r(seed);
    const auto picked = pick_answers(candidates(), o, r);
    ASSERT_FALSE(picked.empty());
    for (std::size_t i = 0; i < picked.size(); ++i) {
      for (std::size_t j = i + 1; j < picked.size(); ++j) EXPECT_FALSE(overlap(picked[i], picked[j])) << seed;
      if (i > 0) {
        EXPECT_GE(picked[i - 1].probability, picked[i].probability);
      }
    }
  }
}

TEST(PickAnswers, NucleusAndLengthCutsAndSeededSampling) {
  AnswerSamplingOptions o;
  o.per_context = 10;
  o.top_p = 0.5;  // 0.30 + 0.25 reaches half of the 1.0 total
  Rng rng(3);
  EXPECT_EQ(texts(pick_answers(candidates(), o, rng)), (std::vector<std::string>{"10th and 11th centuries", "11th centuries"}));
  o.top_p = 1.0;
  o.greedy = true;
  o.max_words = 2;  // "10th and 11th centuries" and "name to Normandy" are too long
  Rng rng2(3);
  const auto short_ones = texts(pick_answers(candidates(), o, rng2));
  EXPECT_EQ(short_ones, (std::vector<std::string>{"11th centuries", "Normandy", "the 10th", "their name"}));
  // Sampling: the same seed gives the same answers; over seeds every candidate shows up first.
  o.max_words = 0;
  o.greedy = false;
  o.per_context = 1;
  std::vector<std::string> firsts;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Rng a(seed), b(seed);
    const auto x = pick_answers(candidates(), o, a);
    EXPECT_EQ(texts(x), texts(pick_answers(candidates(), o, b)));
    ASSERT_EQ(x.size(), 1u);
    firsts.push_back(x[0].text);
  }
  for (const auto& c : candidates()) {
    if (c.text == "The 10th" || c.text == "name to Normandy") continue;  // too rare for 200 draws to promise
    EXPECT_NE(std::find(firsts.begin(), firsts.end(), c.text), firsts.end()) << c.text;
  }
  EXPECT_TRUE(pick_answers({}, o, rng).empty());
}

}  // namespace frugal
