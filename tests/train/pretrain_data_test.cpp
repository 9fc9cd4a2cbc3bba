#include "train/pretrain_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"
#include "train/lr_schedule.h"

namespace frugal {
namespace {

std::string write_corpus(const std::string& dir) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "sentence number " + std::to_string(i) + (i % 3 == 0 ? " is a much longer line with several more words in it" : "") + "\n";
    if (i % 10 == 9) text += "\n";
  }
  const auto path = dir + "/corpus.txt";
  test::write_text(path, text);
  return path;
}

const Tokenizer& bert() {
  static const Tokenizer t = load_tokenizer(test::mirror_dir() + "/vocab/bert-base-uncased/vocab.txt");
  return t;
}

std::vector<HostBatch> epoch(PretrainLoader& loader) {
  std::vector<HostBatch> out;
  HostBatch b;
  while (loader.next(b)) out.push_back(b);
  return out;
}

}  // namespace

TEST(PretrainLoader, EveryExampleOncePerEpochInLengthBuckets) {
  const auto path = write_corpus(test::scratch_dir("pretrain1"));
  PretrainDataOptions o;
  o.max_length = 24;
  o.batch_size = 4;
  o.window_examples = 40;
  o.seed = 5;
  PretrainLoader loader({path}, bert(), o);
  const auto first = epoch(loader);
  std::set<std::uint64_t> keys;
  std::size_t spread = 0;
  for (const auto& b : first) {
    std::size_t lo = 1000, hi = 0;
    for (const auto& e : b.examples) {
      EXPECT_TRUE(keys.insert(e.key).second) << "key " << e.key << " twice";
      EXPECT_LE(e.ids.size(), 24u);
      EXPECT_EQ(e.ids.front(), bert().token_to_id("[CLS]"));
      EXPECT_EQ(e.ids.back(), bert().token_to_id("[SEP]"));
      EXPECT_EQ(e.word_ids.size(), e.ids.size());
      lo = std::min(lo, e.ids.size());
      hi = std::max(hi, e.ids.size());
    }
    spread = std::max(spread, hi - lo);
  }
  EXPECT_EQ(*keys.rbegin() + 1, keys.size());  // keys 0..n-1
  EXPECT_GT(keys.size(), 40u);                  // more than one window
  EXPECT_LE(spread, 12u);                       // batches hold similar lengths
  // The next epoch has the same examples in another order.
  const auto second = epoch(loader);
  ASSERT_EQ(second.size(), first.size());
  EXPECT_EQ(second[0].epoch, 1u);
  bool same_order = true;
  for (std::size_t i = 0; i < first.size(); ++i) same_order = same_order && first[i].examples[0].key == second[i].examples[0].key;
  EXPECT_FALSE(same_order);
}

TEST(PretrainLoader, RestoringAStateContinuesWithTheSameBatches) {
  const auto path = write_corpus(test::scratch_dir("pretrain2"));
  PretrainDataOptions o;
  o.max_length = 20;
  o.batch_size = 3;
  o.window_examples = 25;
  PretrainLoader loader({path, path}, bert(), o);
  const auto all = epoch(loader);
  ASSERT_GT(all.size(), 20u);
  for (const std::size_t cut : {std::size_t{0}, std::size_t{5}, all.size() / 2, all.size() - 1}) {
    PretrainLoader resumed({path, path}, bert(), o);
    resumed.restore(all[cut].after);
    HostBatch b;
    for (std::size_t i = cut + 1; i < all.size(); ++i) {
      ASSERT_TRUE(resumed.next(b)) << "cut " << cut;
      ASSERT_EQ(b.examples.size(), all[i].examples.size());
      for (std::size_t k = 0; k < b.examples.size(); ++k) {
        EXPECT_EQ(b.examples[k].key, all[i].examples[k].key);
        EXPECT_EQ(b.examples[k].ids, all[i].examples[k].ids);
      }
    }
    EXPECT_FALSE(resumed.next(b));
  }
}

TEST(PretrainLoader, CausalLmPacksTheTokenStreamIntoFullBlocks) {
  const auto dir = test::scratch_dir("pretrain3");
  test::write_text(dir + "/c.txt", "hello world\nsecond line here\n\nnew document starts\n");
  const auto gpt2 = load_tokenizer(test::mirror_dir() + "/vocab/gpt2");
  PretrainDataOptions o;
  o.objective = PretrainObjective::kCausalLM;
  o.max_length = 4;
  o.batch_size = 100;
  o.shuffle = false;
  PretrainLoader loader({dir + "/c.txt"}, gpt2, o);
  const auto batches = epoch(loader);
  ASSERT_EQ(batches.size(), 1u);
  std::vector<std::int32_t> stream;
  for (const auto& e : batches[0].examples) stream.insert(stream.end(), e.ids.begin(), e.ids.end());
  std::vector<std::int32_t> expected;
  for (const char* part : {"hello world", "\n", "second line here", "\n"}) {
    const auto enc = gpt2.encode(part, false);
    expected.insert(expected.end(), enc.ids.begin(), enc.ids.end());
  }
  expected.push_back(gpt2.token_to_id("<|endoftext|>"));
  for (const char* part : {"new document starts", "\n"}) {
    const auto enc = gpt2.encode(part, false);
    expected.insert(expected.end(), enc.ids.begin(), enc.ids.end());
  }
  // Every block but the last is full; a last block of one token is dropped (nothing to predict).
  const auto full = expected.size() / 4 * 4;
  const auto rest = expected.size() - full;
  expected.resize(rest >= 2 ? expected.size() : full);
  EXPECT_EQ(stream, expected);
  for (std::size_t i = 0; i + 1 < batches[0].examples.size(); ++i) EXPECT_EQ(batches[0].examples[i].ids.size(), 4u);
}

TEST(PretrainLoader, LongLinesAreCutAtWordStarts) {
  const auto dir = test::scratch_dir("pretrain4");
  test::write_text(dir + "/c.txt", "unbelievably extraordinarily incomprehensibilities antidisestablishmentarianism words\n");
  PretrainDataOptions o;
  o.max_length = 12;  // every word fits in the budget of 10; the line does not
  o.shuffle = false;
  PretrainLoader loader({dir + "/c.txt"}, bert(), o);
  const auto batches = epoch(loader);
  std::size_t tokens = 0;
  for (const auto& b : batches) {
    for (const auto& e : b.examples) {
      EXPECT_LE(e.ids.size(), 12u);
      tokens += e.ids.size() - 2;
      // No example starts inside a word (a "##" piece right after [CLS]).
      EXPECT_NE(bert().id_to_token(e.ids[1]).rfind("##", 0), 0u) << bert().id_to_token(e.ids[1]);
    }
  }
  EXPECT_GT(batches[0].examples.size(), 1u);
  EXPECT_EQ(tokens, bert().encode("unbelievably extraordinarily incomprehensibilities antidisestablishmentarianism words", false).ids.size());
}

TEST(LrSchedule, WarmupThenLinearOrCosineDecay) {
  LrSchedule s;
  s.peak = 1.0;
  s.warmup_steps = 10;
  s.total_steps = 110;
  EXPECT_DOUBLE_EQ(s.at(0), 0.0);
  EXPECT_DOUBLE_EQ(s.at(5), 0.5);
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  EXPECT_DOUBLE_EQ(s.at(60), 0.5);
  EXPECT_DOUBLE_EQ(s.at(110), 0.0);
  s.decay = "cosine";
  EXPECT_NEAR(s.at(60), 0.5, 1e-12);
  EXPECT_NEAR(s.at(35), 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-12);
  s.decay = "constant";
  EXPECT_DOUBLE_EQ(s.at(100), 1.0);
  EXPECT_EQ(s.steps_independent_of_total(), 110u);
  s.decay = "linear";
  EXPECT_EQ(s.steps_independent_of_total(), 10u);
}

TEST(LrSchedule, WarmUpStableDecayHoldsThePeakUntilItsCooldown) {
  LrSchedule s{1.0, 10, 110, "wsd", 0.2};  // cooldown: the last 22 steps, from step 88
  EXPECT_EQ(s.cooldown_steps(), 22u);
  EXPECT_EQ(s.steps_independent_of_total(), 88u);
  EXPECT_DOUBLE_EQ(s.at(5), 0.5);
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  EXPECT_DOUBLE_EQ(s.at(87), 1.0);
  EXPECT_DOUBLE_EQ(s.at(88), 1.0);  // the cooldown's first update: 22 / 22
  EXPECT_DOUBLE_EQ(s.at(99), 0.5);
  EXPECT_DOUBLE_EQ(s.at(109), 1.0 / 22);
  EXPECT_DOUBLE_EQ(s.at(110), 0.0);
  // A longer run keeps every rate before the first run's cooldown: that is what lets a budget
  // run plan its total again (train_planned).
  LrSchedule longer{1.0, 10, 500, "wsd", 0.2};
  for (std::uint64_t step = 0; step < s.steps_independent_of_total(); ++step) EXPECT_EQ(s.at(step), longer.at(step)) << step;
  // The cooldown never reaches into the warm-up.
  LrSchedule short_run{1.0, 10, 12, "wsd", 0.5};
  EXPECT_EQ(short_run.cooldown_steps(), 2u);
  EXPECT_DOUBLE_EQ(short_run.at(9), 0.9);
  EXPECT_DOUBLE_EQ(short_run.at(10), 1.0);
  EXPECT_DOUBLE_EQ(short_run.at(11), 0.5);
  EXPECT_THROW(LrSchedule::check_decay("trapezoid"), InputError);
}

}  // namespace frugal
