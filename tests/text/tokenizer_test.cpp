#include "text/tokenizer.h"

#include <algorithm>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"
#include "text/byte_level.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

std::string vocab(const std::string& name) { return test::mirror_dir() + "/vocab/" + name; }

const Tokenizer& bert() {
  static const Tokenizer t = load_tokenizer(vocab("bert-base-uncased/vocab.txt"));
  return t;
}

const Tokenizer& gpt2() {
  static const Tokenizer t = load_tokenizer(vocab("gpt2"));
  return t;
}

}  // namespace

TEST(Tokenizer, BertOffsetsPointIntoTheOriginalText) {
  // Accents stripped, CJK split, ligature kept: offsets still count original code points.
  const std::string text = "Caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 na\xc3\xafve!";
  const auto e = bert().encode(text, false);
  ASSERT_EQ(e.tokens, (std::vector<std::string>{"cafe", "\xe4\xb8\xad", "\xe6\x96\x87", "naive", "!"}));
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> offsets = {{0, 4}, {5, 6}, {6, 7}, {8, 13}, {13, 14}};
  EXPECT_EQ(e.offsets, offsets);
  EXPECT_EQ(e.word_ids, (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
}

TEST(Tokenizer, WordIdsGroupSubwordsForWholeWordMasking) {
  const auto e = bert().encode("unaffable tokenization", false);
  ASSERT_GT(e.size(), 2u);
  EXPECT_EQ(e.word_ids.front(), 0);
  EXPECT_EQ(e.word_ids.back(), 1);
  for (std::size_t i = 1; i < e.size(); ++i) {
    if (e.tokens[i].rfind("##", 0) == 0) {
      EXPECT_EQ(e.word_ids[i], e.word_ids[i - 1]) << e.tokens[i];
    }
  }
  const auto g = gpt2().encode("unaffable tokenization", false);
  EXPECT_EQ(g.word_ids.front(), 0);
  EXPECT_EQ(g.word_ids.back(), 1);
}

TEST(Tokenizer, LongWordsBecomeOneUnknownToken) {
  const std::string word(101, 'a');
  const auto e = bert().encode(word, false);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.tokens[0], "[UNK]");
  EXPECT_EQ(e.offsets[0], std::make_pair(0u, 101u));
  EXPECT_GT(bert().encode(std::string(100, 'a'), false).size(), 1u);
}

TEST(Tokenizer, PairsCarryTypeIdsAndSpecialTokens) {
  const auto e = bert().encode_pair("who?", "me.");
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"[CLS]", "who", "?", "[SEP]", "me", ".", "[SEP]"}));
  EXPECT_EQ(e.type_ids, (std::vector<std::int32_t>{0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(e.sequence_ids, (std::vector<std::int32_t>{-1, 0, 0, -1, 1, 1, -1}));
  EXPECT_EQ(e.special_tokens_mask, (std::vector<std::uint8_t>{1, 0, 0, 1, 0, 0, 1}));
}

TEST(Tokenizer, ByteLevelDecodingIsExact) {
  for (const std::string text : {"Hello  world\n\ttabs", "\xf0\x9f\xa6\x99 emoji and \xc3\xa9", " leading space", ""}) {
    EXPECT_EQ(gpt2().decode(gpt2().encode(text, false).ids, true, false), text);
  }
  // Ids that cut a character in two decode to U+FFFD, as HF does.
  const auto ids = gpt2().encode("\xf0\x9f\xa6\x99", false).ids;
  ASSERT_GT(ids.size(), 1u);
  EXPECT_EQ(gpt2().decode({ids.front()}, true, false), "\xef\xbf\xbd");
  const auto& alphabet = ByteLevelAlphabet::get();
  for (int b = 0; b < 256; ++b) EXPECT_EQ(alphabet.byte_of(alphabet.char_of(static_cast<std::uint8_t>(b))), b);
}

TEST(Tokenizer, WordPieceDecodingJoinsContinuations) {
  const auto ids = bert().encode("Tokenization isn't hard, is it?").ids;
  EXPECT_EQ(bert().decode(ids), "tokenization isn't hard, is it?");
  EXPECT_EQ(bert().decode(ids, false), "[CLS] tokenization isn't hard, is it? [SEP]");
}

TEST(Tokenizer, TruncationWindowsOverlapByTheStride) {
  Tokenizer t = load_tokenizer(vocab("bert-base-uncased/vocab.txt"));
  t.set_truncation(TruncationOptions{8, 2, TruncationStrategy::OnlySecond, Side::Right});
  const auto e = t.encode_pair("q", "a b c d e f g h i j");
  // room for the context: 8 - 3 special - 1 question token = 4; windows step 4 - 2 = 2.
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"[CLS]", "q", "[SEP]", "a", "b", "c", "d", "[SEP]"}));
  ASSERT_EQ(e.overflowing.size(), 3u);
  EXPECT_EQ(e.overflowing[0].tokens, (std::vector<std::string>{"[CLS]", "q", "[SEP]", "c", "d", "e", "f", "[SEP]"}));
  EXPECT_EQ(e.overflowing[2].tokens, (std::vector<std::string>{"[CLS]", "q", "[SEP]", "g", "h", "i", "j", "[SEP]"}));
  EXPECT_EQ(e.overflowing[2].offsets[3], std::make_pair(12u, 13u));  // offsets stay in the original text
  t.set_truncation(TruncationOptions{4, 0, TruncationStrategy::OnlySecond, Side::Right});
  EXPECT_THROW(t.encode_pair("a long question here", "x"), InputError);
  EXPECT_NO_THROW(t.encode("ok"));                            // fits: nothing to truncate
  EXPECT_THROW(t.encode("a single text too long"), InputError);  // only_second needs a pair
}

TEST(Tokenizer, PaddingFillsMasksAndTypes) {
  Tokenizer t = load_tokenizer(vocab("bert-base-uncased/vocab.txt"));
  t.set_padding(PaddingOptions{0, 4, Side::Left, 0, 0, "[PAD]"});
  const auto batch = t.encode_batch({"a", "a b c"}, true, 2);
  ASSERT_EQ(batch[0].size(), 8u);  // longest is 5, rounded up to a multiple of 4
  EXPECT_EQ(batch[0].ids.front(), 0);
  EXPECT_EQ(batch[0].attention_mask, (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(batch[1].attention_mask.front(), 0);
}

TEST(Tokenizer, BatchResultsDoNotDependOnThreads) {
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back("sentence number " + std::to_string(i) + " with words " + std::string(i % 7, 'x'));
  const auto one = gpt2().encode_batch(texts, true, 1);
  const auto two = gpt2().encode_batch(texts, true, 2);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].ids, two[i].ids);
    EXPECT_EQ(one[i].offsets, two[i].offsets);
  }
}

TEST(TokenizerLoader, BadFilesNameTheProblem) {
  const auto dir = test::scratch_dir("tok");
  test::write_text(dir + "/tokenizer.json", R"({"model": {"type": "Unigram", "vocab": []}})");
  try {
    load_tokenizer(dir + "/tokenizer.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model: unsupported model 'Unigram'"), std::string::npos) << e.what();
  }
  test::write_text(dir + "/t2.json", R"({"normalizer": {"type": "NFKC"}, "model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}})");
  try {
    load_tokenizer(dir + "/t2.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("normalizer: unsupported normalizer 'NFKC'"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir + "/tokenizer.json");
  std::filesystem::remove(dir + "/t2.json");
  test::write_text(dir + "/merges.txt", "#version: 0.2\na b\nbroken-line\n");
  test::write_text(dir + "/vocab.json", R"({"a": 0, "b": 1, "ab": 2})");
  try {
    load_tokenizer(dir);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("merges.txt:3:1"), std::string::npos) << e.what();
  }
  test::write_text(dir + "/vocab.txt", "[PAD]\n[CLS]\n");  // no [UNK]
  std::filesystem::remove(dir + "/merges.txt");
  std::filesystem::remove(dir + "/vocab.json");
  EXPECT_THROW(load_tokenizer(dir), InputError);
  EXPECT_THROW(load_tokenizer(dir + "/missing.json"), InputError);
}

TEST(TokenizeCli, InvalidUtf8NamesTheLineUnlessLossy) {
  const auto dir = test::scratch_dir("tokcli");
  test::write_text(dir + "/in.txt", "fine\nbad \xff byte\n");
  const std::string base = "tokenize --tokenizer " + vocab("bert-base-uncased/vocab.txt") + " --input " + dir + "/in.txt";
  const auto r = test::run_frugal(base + " --output " + dir + "/out.txt");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: " + dir + "/in.txt:2:5: invalid UTF-8", 0), 0u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.txt"));
  const auto lossy = test::run_frugal(base + " --lossy --format tokens");
  EXPECT_EQ(lossy.exit_code, 0) << lossy.err;
  EXPECT_EQ(lossy.out, "[CLS] fine [SEP]\n[CLS] bad byte [SEP]\n");  // U+FFFD is dropped by BERT's clean-up
}

}  // namespace frugal

namespace frugal {

TEST(TokenizeCli, PaddingLongestPadsTheBatchTogether) {
  const auto dir = test::scratch_dir("tokpad");
  test::write_text(dir + "/in.txt", "short\na somewhat longer line of text\n");
  const auto r = test::run_frugal("tokenize --tokenizer " + test::mirror_dir() +
                                  "/vocab/bert-base-uncased/vocab.txt --input " + dir + "/in.txt --padding longest");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto newline = r.out.find('\n');
  const std::string first = r.out.substr(0, newline), second = r.out.substr(newline + 1);
  EXPECT_EQ(std::count(first.begin(), first.end(), ' '), std::count(second.begin(), second.end(), ' '));  // same length
  EXPECT_EQ(first.substr(first.size() - 2), " 0");  // [PAD] = 0 at the end of the short line
}

}  // namespace frugal
