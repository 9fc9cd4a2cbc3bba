// Property tests of whole-word masking over real text (SST-2 dev, SQuAD questions) with a
// WordPiece (bert-base-uncased) and a byte-level BPE (gpt2) tokenizer.
#include "augment/whole_word_mask.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include "data/squad.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

std::vector<std::string> texts() {
  std::vector<std::string> out;
  std::ifstream in(test::mirror_dir() + "/sst2/dev.tsv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) out.push_back(line.substr(0, line.find('\t')));
  const auto squad = read_squad(test::mirror_dir() + "/squad/dev-v1.1.json");
  for (const auto& q : squad.articles[0].paragraphs[0].qas) out.push_back(q.question);
  out.push_back("word");   // one word
  out.push_back("");       // no word
  return out;
}

struct Fixture {
  std::string name;
  Tokenizer tokenizer;
  TokenBatch batch;
  WordIndex index;
  std::int32_t mask_id;
};

std::vector<Fixture>& fixtures() {
  static std::vector<Fixture> all = [] {
    std::vector<Fixture> f;
    const auto lines = texts();
    for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
             {"bert", "/vocab/bert-base-uncased/vocab.txt"},
             {"gpt2", "/vocab/gpt2"},
             {"roberta", "/vocab/roberta-base/tokenizer.json"}}) {
      auto tok = load_tokenizer(test::mirror_dir() + path);
      TokenBatch batch;
      batch.clear();
      for (const auto& e : tok.encode_batch(lines, true, 2)) batch.append(e);
      WordIndex index;
      mark_words(batch, index, 1);
      // GPT-2 has no mask token; <|endoftext|> stands in for it.
      const auto mask = tok.token_to_id(name == "bert" ? "[MASK]" : name == "gpt2" ? "<|endoftext|>" : "<mask>");
      f.push_back({name, std::move(tok), std::move(batch), std::move(index), mask});
    }
    return f;
  }();
  return all;
}

// Words of example i as token ranges, from the word ids directly (independent of mark_words).
std::vector<std::pair<std::uint64_t, std::uint64_t>> words_of(const TokenBatch& b, std::size_t i) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> words;
  for (auto t = b.offsets[i]; t < b.offsets[i + 1]; ++t) {
    if (b.word_ids[t] < 0) continue;
    if (!words.empty() && words.back().second == t && b.word_ids[t - 1] == b.word_ids[t]) {
      words.back().second = t + 1;
    } else {
      words.emplace_back(t, t + 1);
    }
  }
  return words;
}

}  // namespace

TEST(WholeWordMask, ExactlyNWholeWordsAndNothingElse) {
  for (auto& f : fixtures()) {
    for (std::size_t n : {1u, 2u, 3u}) {
      WordChoice choice;
      sample_words(f.batch, f.index, n, 7, n, choice, false, 0, 2);
      std::vector<std::int32_t> ids, labels;
      mask_copy(f.batch, f.index, choice, f.mask_id, ids, labels, 2);
      for (std::size_t i = 0; i < f.batch.size(); ++i) {
        const auto words = words_of(f.batch, i);
        std::size_t masked_words = 0;
        for (const auto& [b, e] : words) {
          std::size_t masked = 0;
          for (auto t = b; t < e; ++t) masked += labels[t] != kIgnoreLabel;
          ASSERT_TRUE(masked == 0 || masked == e - b) << f.name << " example " << i << ": part of a word masked";
          masked_words += masked > 0;
        }
        EXPECT_EQ(masked_words, words.size() > n ? n : 0) << f.name << " example " << i;
        for (auto t = f.batch.offsets[i]; t < f.batch.offsets[i + 1]; ++t) {
          if (labels[t] == kIgnoreLabel) {
            ASSERT_EQ(ids[t], f.batch.ids[t]);
          } else {
            ASSERT_EQ(labels[t], f.batch.ids[t]);
            ASSERT_EQ(ids[t], f.mask_id);
            ASSERT_GE(f.batch.word_ids[t], 0) << "a special token was masked";
          }
        }
      }
      // In place gives the same ids.
      auto in_place = f.batch.ids;
      mask_in_place(f.batch, in_place, f.index, choice, f.mask_id, 1);
      EXPECT_EQ(in_place, ids);
    }
  }
}

TEST(WholeWordMask, ShortExamplesAreLeftOrFullyMasked) {
  auto& f = fixtures().front();
  WordChoice left, full;
  sample_words(f.batch, f.index, 2, 3, 1, left, false);
  sample_words(f.batch, f.index, 2, 3, 1, full, true);
  const std::size_t one_word = f.batch.size() - 2;  // "word"
  EXPECT_EQ(left.offsets[one_word + 1] - left.offsets[one_word], 0u);
  EXPECT_EQ(full.offsets[one_word + 1] - full.offsets[one_word], 1u);
}

TEST(WholeWordMask, ResultsDependOnlyOnSeedExampleAndRound) {
  auto& f = fixtures().front();
  WordChoice one, two;
  sample_words(f.batch, f.index, 2, 11, 1, one, false, 0, 1);
  sample_words(f.batch, f.index, 2, 11, 1, two, false, 0, 2);
  EXPECT_EQ(one.words, two.words);
  // The second half alone, told where it starts, chooses the same words.
  const std::size_t half = f.batch.size() / 2;
  TokenBatch tail;
  tail.clear();
  for (std::size_t i = half; i < f.batch.size(); ++i) {
    for (auto t = f.batch.offsets[i]; t < f.batch.offsets[i + 1]; ++t) {
      tail.ids.push_back(f.batch.ids[t]);
      tail.word_ids.push_back(f.batch.word_ids[t]);
    }
    tail.offsets.push_back(tail.ids.size());
  }
  WordIndex tail_index;
  mark_words(tail, tail_index, 2);
  WordChoice tail_choice;
  sample_words(tail, tail_index, 2, 11, 1, tail_choice, false, half, 1);
  std::vector<std::int32_t> whole_ids, whole_labels, tail_ids, tail_labels;
  mask_copy(f.batch, f.index, one, f.mask_id, whole_ids, whole_labels);
  mask_copy(tail, tail_index, tail_choice, f.mask_id, tail_ids, tail_labels);
  EXPECT_TRUE(std::equal(tail_ids.begin(), tail_ids.end(), whole_ids.begin() + static_cast<std::ptrdiff_t>(f.batch.offsets[half])));
  WordChoice other_round;
  sample_words(f.batch, f.index, 2, 11, 2, other_round, false);
  EXPECT_NE(one.words, other_round.words);
}

TEST(WholeWordMask, MlmBudgetWholeWordsAndDeterminism) {
  EXPECT_EQ(mlm_budget(10, 0.15, 512), 2u);   // round(1.5) = 2 (half to even)
  EXPECT_EQ(mlm_budget(30, 0.15, 512), 4u);   // round(4.5) = 4
  EXPECT_EQ(mlm_budget(2, 0.15, 512), 1u);    // at least one
  EXPECT_EQ(mlm_budget(1000, 0.15, 20), 20u);
  for (auto& f : fixtures()) {
    MlmOptions o;
    o.mask_id = f.mask_id;
    for (std::int32_t id = 1000; id < 2000; ++id) o.replacement_ids.push_back(id);
    for (bool per_word : {false, true}) {
      o.per_word = per_word;
      std::vector<std::int32_t> ids, labels, ids2, labels2;
      mask_mlm(f.batch, f.index, o, 5, 0, ids, labels, 0, 1);
      mask_mlm(f.batch, f.index, o, 5, 0, ids2, labels2, 0, 2);
      EXPECT_EQ(ids, ids2);
      EXPECT_EQ(labels, labels2);
      for (std::size_t i = 0; i < f.batch.size(); ++i) {
        const auto length = f.batch.offsets[i + 1] - f.batch.offsets[i];
        std::size_t predicted = 0;
        for (const auto& [b, e] : words_of(f.batch, i)) {
          std::size_t labelled = 0;
          for (auto t = b; t < e; ++t) labelled += labels[t] != kIgnoreLabel;
          ASSERT_TRUE(labelled == 0 || labelled == e - b) << "MLM split a word";
          predicted += labelled;
        }
        EXPECT_LE(predicted, mlm_budget(length, o.probability, o.max_predictions));
        for (auto t = f.batch.offsets[i]; t < f.batch.offsets[i + 1]; ++t) {
          if (f.batch.word_ids[t] < 0) {
            ASSERT_EQ(labels[t], kIgnoreLabel);
          }
          if (labels[t] != kIgnoreLabel) {
            ASSERT_EQ(labels[t], f.batch.ids[t]);
          }
        }
      }
    }
  }
}

TEST(WholeWordMask, DynamicMaskingDependsOnlyOnExampleAndEpoch) {
  auto& f = fixtures().front();
  MlmOptions o;
  o.mask_id = f.mask_id;
  for (std::int32_t id = 1000; id < 2000; ++id) o.replacement_ids.push_back(id);
  DynamicMasker masker(o, 21);
  std::vector<std::int32_t> whole_ids, whole_labels;
  masker.mask(f.batch, 0, 3, whole_ids, whole_labels, 2);
  // The same corpus in batches of 100 examples, masked one batch at a time.
  std::vector<std::int32_t> ids, labels, all_ids, all_labels;
  for (std::size_t first = 0; first < f.batch.size(); first += 100) {
    TokenBatch part;
    part.clear();
    for (std::size_t i = first; i < std::min(f.batch.size(), first + 100); ++i) {
      for (auto t = f.batch.offsets[i]; t < f.batch.offsets[i + 1]; ++t) {
        part.ids.push_back(f.batch.ids[t]);
        part.word_ids.push_back(f.batch.word_ids[t]);
      }
      part.offsets.push_back(part.ids.size());
    }
    masker.mask(part, first, 3, ids, labels, 1);
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
    all_labels.insert(all_labels.end(), labels.begin(), labels.end());
  }
  EXPECT_EQ(all_ids, whole_ids);
  EXPECT_EQ(all_labels, whole_labels);
  masker.mask(f.batch, 0, 4, ids, labels, 1);
  EXPECT_NE(labels, whole_labels);  // another epoch, another masking
}

TEST(WholeWordMask, MlmSplitIs80_10_10OverAMillionDraws) {
  auto& f = fixtures().front();
  MlmOptions o;
  o.mask_id = f.mask_id;
  for (std::int32_t id = 1000; id < 29000; ++id) o.replacement_ids.push_back(id);
  std::uint64_t total = 0, masked = 0, random = 0, kept = 0;
  std::vector<std::int32_t> ids, labels;
  for (std::uint64_t round = 0; total < 1000000; ++round) {
    mask_mlm(f.batch, f.index, o, 99, round, ids, labels, 0, 2);
    for (std::size_t t = 0; t < ids.size(); ++t) {
      if (labels[t] == kIgnoreLabel) continue;
      ++total;
      if (ids[t] == o.mask_id) {
        ++masked;
      } else if (ids[t] == labels[t]) {
        ++kept;
      } else {
        ++random;
      }
    }
  }
  // 5 standard deviations of a binomial share over >= 1M draws is < 0.2 points.
  const double n = static_cast<double>(total);
  EXPECT_NEAR(masked / n, 0.8, 5 * std::sqrt(0.16 / n));
  EXPECT_NEAR(random / n, 0.1, 5 * std::sqrt(0.09 / n) + 1e-4);  // a random pick may equal the original
  EXPECT_NEAR(kept / n, 0.1, 5 * std::sqrt(0.09 / n) + 1e-4);
}

}  // namespace frugal
