#include "text/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

std::vector<std::string> sst2_lines(std::size_t n) {
  std::ifstream in(test::mirror_dir() + "/sst2/dev.tsv");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> lines;
  while (lines.size() < n && std::getline(in, line)) lines.push_back(line.substr(0, line.find('\t')));
  return lines;
}

}  // namespace

TEST(Trainer, BpeFollowsMergeFrequencies) {
  TrainerOptions o;
  o.model = TrainedModel::ByteLevelBpe;
  o.vocab_size = 256 + 1 + 3;
  o.min_frequency = 1;
  o.show_progress = false;
  const auto r = train_vocabulary_from_texts({"low low low lower lowest", "newer newest"}, o);
  ASSERT_EQ(r.vocab.size(), 260u);
  EXPECT_EQ(r.vocab[0], "<|endoftext|>");
  ASSERT_EQ(r.merges.size(), 3u);
  // "Ġ l" / "l o" lead: "low" occurs 5 times with "lo".
  EXPECT_EQ(r.merges[0], (std::pair<std::string, std::string>{"l", "o"}));
  const auto tokenizer = make_trained_tokenizer(r, o);
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("lowest newer", false).ids, true, false), "lowest newer");
}

TEST(Trainer, WordPieceVocabularyEncodesItsCorpusWithoutUnknowns) {
  TrainerOptions o;
  o.vocab_size = 1500;
  o.show_progress = false;
  const auto lines = sst2_lines(400);
  const auto r = train_vocabulary_from_texts(lines, o);
  EXPECT_EQ(r.vocab.size(), 1500u);
  EXPECT_EQ(std::vector<std::string>(r.vocab.begin(), r.vocab.begin() + 5),
            (std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}));
  const auto tokenizer = make_trained_tokenizer(r, o);
  std::size_t unknown = 0;
  for (const auto& line : lines) {
    for (const auto& t : tokenizer.encode(line, false).tokens) unknown += t == "[UNK]";
  }
  EXPECT_EQ(unknown, 0u);  // every character of the corpus is in the alphabet

  // Saved files load back (vocab.txt and tokenizer.json) and tokenize identically.
  const auto dir = test::scratch_dir("trained");
  save_trained_tokenizer(r, o, dir);
  const auto from_json = load_tokenizer(dir + "/tokenizer.json");
  const auto from_txt = load_tokenizer(dir + "/vocab.txt");
  for (const auto& line : lines) {
    const auto e = tokenizer.encode(line).ids;
    EXPECT_EQ(from_json.encode(line).ids, e);
    EXPECT_EQ(from_txt.encode(line).ids, e);
  }
}

TEST(Trainer, DeterministicAndCorpusErrorsNameTheLine) {
  TrainerOptions o;
  o.model = TrainedModel::ByteLevelBpe;
  o.vocab_size = 600;
  o.show_progress = false;
  const auto lines = sst2_lines(300);
  EXPECT_EQ(train_vocabulary_from_texts(lines, o).merges, train_vocabulary_from_texts(lines, o).merges);
  const auto dir = test::scratch_dir("trainerr");
  test::write_text(dir + "/c.txt", "ok line\nbad \xc3 line\n");
  try {
    train_vocabulary({dir + "/c.txt"}, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/c.txt:2:5: invalid UTF-8");
  }
}

}  // namespace frugal
