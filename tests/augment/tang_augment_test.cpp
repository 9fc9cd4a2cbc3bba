#include "augment/tang_augment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/atomic_file.h"
#include "test_support.h"

namespace frugal {
namespace {

const PosLexicon& lexicon() {
  static const PosLexicon l = PosLexicon::load();
  return l;
}

}  // namespace

TEST(PosLexicon, TagsLemmasInflectionsAndExceptions) {
  EXPECT_EQ(lexicon().tag("dog"), PartOfSpeech::Noun);
  EXPECT_EQ(lexicon().tag("dogs"), PartOfSpeech::Noun);          // detachment rule
  EXPECT_EQ(lexicon().tag("children"), PartOfSpeech::Noun);      // noun.exc
  EXPECT_EQ(lexicon().tag("went"), PartOfSpeech::Verb);          // verb.exc
  EXPECT_EQ(lexicon().tag("run"), PartOfSpeech::Verb);           // more tagged verb senses than noun senses
  EXPECT_EQ(lexicon().tag("happiest"), PartOfSpeech::Adjective);
  EXPECT_EQ(lexicon().tag("quickly"), PartOfSpeech::Adverb);
  EXPECT_EQ(lexicon().tag("the"), PartOfSpeech::None);
  EXPECT_EQ(lexicon().tag("xqzzy"), PartOfSpeech::None);
  EXPECT_GT(lexicon().lemmas(), 140000u);
}

TEST(TangAugment, ReplacementsKeepThePartOfSpeech) {
  const std::vector<std::string> corpus = {"the happy dog runs quickly", "a sad cat sleeps soundly", "green ideas sleep"};
  TangOptions o;
  o.p_mask = 0;
  o.p_pos = 1;  // every word with a part of speech is replaced
  o.p_ng = 0;
  const TangAugmenter augmenter(lexicon(), corpus, o);
  for (std::uint64_t i = 0; i < 50; ++i) {
    for (const auto& v : augmenter.augment({corpus[i % 3]}, 7, i)) {
      const auto before = split_words(corpus[i % 3]);
      const auto after = split_words(v[0]);
      ASSERT_EQ(after.size(), before.size());
      for (std::size_t k = 0; k < before.size(); ++k) {
        const auto pos = augmenter.tag(before[k]);
        if (pos == PartOfSpeech::None) {
          EXPECT_EQ(after[k], before[k]);
        } else {
          EXPECT_EQ(augmenter.tag(after[k]), pos) << before[k] << " -> " << after[k];
        }
      }
    }
  }
}

TEST(TangAugment, PairsVaryFirstSecondThenBothAndDropDuplicates) {
  const std::vector<std::string> corpus = {"one two three four five six", "seven eight nine ten"};
  TangOptions o;
  o.p_mask = 0.5;
  o.p_pos = 0;
  o.p_ng = 0;
  o.n_iter = 30;
  const TangAugmenter augmenter(lexicon(), corpus, o);
  const auto variants = augmenter.augment(corpus, 3, 0);
  std::set<std::vector<std::string>> unique(variants.begin(), variants.end());
  EXPECT_EQ(unique.size(), variants.size());
  EXPECT_EQ(unique.count(corpus), 0u);
  bool first_only = false, second_only = false, both = false;
  for (const auto& v : variants) {
    const bool a = v[0] != corpus[0], b = v[1] != corpus[1];
    first_only |= a && !b;
    second_only |= !a && b;
    both |= a && b;
  }
  EXPECT_TRUE(first_only && second_only && both);
  EXPECT_EQ(augmenter.augment(corpus, 3, 0), variants);  // deterministic
}

TEST(TangAugment, CliKeepsLabelsAndIgnoresThreadCount) {
  const auto dir = test::scratch_dir("tang");
  test::write_text(dir + "/in.tsv", "sentence\tlabel\nalpha beta gamma delta\t0\nepsilon zeta eta theta\t1\niota kappa lambda mu\t2\n");
  const std::string base = "augment tang --input " + dir + "/in.tsv --p-pos 0 --p-ng 0 --p-mask 0.5 --seed 4 ";
  const auto one = test::run_frugal(base + "--threads 1 --output " + dir + "/one.tsv");
  const auto two = test::run_frugal(base + "--threads 2 --output " + dir + "/two.tsv");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const std::string out = read_file(dir + "/one.tsv");
  EXPECT_EQ(out, read_file(dir + "/two.tsv"));
  const std::vector<std::vector<std::string>> sources = {{"alpha", "beta", "gamma", "delta"},
                                                         {"epsilon", "zeta", "eta", "theta"},
                                                         {"iota", "kappa", "lambda", "mu"}};
  std::size_t rows = 0, checked = 0;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const std::string line = out.substr(start, end - start);
    start = end + 1;
    if (rows++ == 0) continue;
    const auto tab = line.find('\t');
    const int label = std::stoi(line.substr(tab + 1));
    for (const auto& w : split_words(line.substr(0, tab))) {
      if (w == "[MASK]") continue;
      EXPECT_NE(std::find(sources[static_cast<std::size_t>(label)].begin(), sources[static_cast<std::size_t>(label)].end(), w),
                sources[static_cast<std::size_t>(label)].end())
          << line;
      ++checked;
    }
  }
  EXPECT_GT(rows, 4u);
  EXPECT_GT(checked, 10u);
  const auto no_seed = test::run_frugal("augment tang --input " + dir + "/in.tsv --output " + dir + "/x.tsv");
  EXPECT_EQ(no_seed.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.tsv"));
}

}  // namespace frugal
