#include "data/squad.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"

namespace frugal {

static std::string error_of(const std::string& json) {
  try {
    parse_squad(json, "in.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Squad, ReadsTheMirrorDevSetsWithTheDocumentedCounts) {
  const auto v1 = read_squad(test::mirror_dir() + "/squad/dev-v1.1.json");
  EXPECT_EQ(v1.version, "1.1");
  EXPECT_FALSE(v1.is_v2());
  EXPECT_EQ(v1.articles.size(), 48u);
  EXPECT_EQ(v1.num_paragraphs(), 2067u);
  EXPECT_EQ(v1.num_questions(), 10570u);
  EXPECT_TRUE(validate_squad(v1).empty());

  const auto v2 = read_squad(test::mirror_dir() + "/squad/dev-v2.0.json");
  EXPECT_TRUE(v2.is_v2());
  EXPECT_EQ(v2.articles.size(), 35u);
  EXPECT_EQ(v2.num_paragraphs(), 1204u);
  EXPECT_EQ(v2.num_questions(), 11873u);
  EXPECT_EQ(v2.num_unanswerable(), 5945u);
  EXPECT_TRUE(validate_squad(v2).empty());
}

TEST(Squad, WriteThenReadIsIdentity) {
  const auto original = read_squad(test::mirror_dir() + "/squad/dev-v2.0.json");
  const auto path = test::scratch_dir("squad") + "/copy.json";
  write_squad(original, path);
  const auto copy = read_squad(path);
  EXPECT_EQ(squad_to_json(copy), squad_to_json(original));
  ASSERT_EQ(copy.num_questions(), original.num_questions());
  const auto& q = copy.articles[3].paragraphs[2].qas[1];
  const auto& r = original.articles[3].paragraphs[2].qas[1];
  EXPECT_EQ(q.id, r.id);
  EXPECT_EQ(q.question, r.question);
  EXPECT_EQ(copy.articles[3].paragraphs[2].context, original.articles[3].paragraphs[2].context);
}

TEST(Squad, StreamedWriterWritesTheSameTextAndNothingBeforeCommit) {
  const auto original = read_squad(test::mirror_dir() + "/squad/dev-v2.0.json");
  const auto dir = test::scratch_dir("squad");
  {
    SquadWriter abandoned(dir + "/abandoned.json", original.version);
    abandoned.add(original.articles[0]);
  }  // no commit: no file
  EXPECT_FALSE(std::ifstream(dir + "/abandoned.json").good());
  SquadWriter writer(dir + "/streamed.json", original.version);
  for (const auto& article : original.articles) writer.add(article);
  writer.commit();
  EXPECT_EQ(read_file(dir + "/streamed.json"), squad_to_json(original));
  SquadWriter empty(dir + "/empty.json", "1.1");
  empty.commit();
  EXPECT_EQ(read_file(dir + "/empty.json"), squad_to_json(SquadDataset{"1.1", {}}));
}

TEST(Squad, EscapesAndNonAsciiSurviveARoundTrip) {
  SquadDataset d;
  d.version = "v2.0";
  SquadQuestion q{"id\"1", "tab\there \\ \x01 \xe2\x80\x9cq\xe2\x80\x9d", {{"\xc3\xa9t\xc3\xa9", 5}}, false, {}};
  SquadQuestion impossible{"id2", "?", {}, true, {{"caf\xc3\xa9", 0}}};
  d.articles.push_back({"T\n", {{"caf\xc3\xa9 \xc3\xa9t\xc3\xa9 x", {q, impossible}}}});
  const auto back = parse_squad(squad_to_json(d), "mem");
  EXPECT_EQ(squad_to_json(back), squad_to_json(d));
  EXPECT_EQ(back.articles[0].paragraphs[0].qas[0].question, q.question);
  EXPECT_TRUE(back.articles[0].paragraphs[0].qas[1].is_impossible);
  EXPECT_EQ(back.articles[0].paragraphs[0].qas[1].plausible_answers.size(), 1u);
  EXPECT_TRUE(validate_squad(back).empty());  // "été" starts at code point 5
}

TEST(Squad, ValidatorCountsCodePointsNotBytes) {
  // "café été": été starts at code point 5 (byte 6).
  SquadDataset d;
  d.articles.push_back({"t", {{"caf\xc3\xa9 \xc3\xa9t\xc3\xa9", {{"a", "?", {{"\xc3\xa9t\xc3\xa9", 5}}}}}}});
  EXPECT_TRUE(validate_squad(d).empty());
  d.articles[0].paragraphs[0].qas[0].answers[0].answer_start = 6;  // the byte offset: wrong
  auto problems = validate_squad(d);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].question_id, "a");
  EXPECT_NE(problems[0].problem.find("runs past the context"), std::string::npos);
  d.articles[0].paragraphs[0].qas[0].answers[0].answer_start = 0;
  problems = validate_squad(d);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].problem.find("differs from the context"), std::string::npos);
  EXPECT_EQ(problems[0].location, "data[0].paragraphs[0].qas[0].answers[0]");
}

TEST(Squad, ValidatorFlagsDuplicateIdsAndImpossibleWithAnswers) {
  SquadDataset d;
  d.version = "v2.0";
  SquadQuestion q{"same", "?", {{"x", 0}}, true, {}};
  d.articles.push_back({"t", {{"x", {q, q}}}});
  const auto problems = validate_squad(d);
  ASSERT_EQ(problems.size(), 3u);  // impossible-with-answer twice, duplicate once
}

TEST(Squad, BadInputNamesFileLineAndColumnOrPath) {
  EXPECT_EQ(error_of("{\"data\": [\n  {\"title\": \"x\",, }]}"),
            "in.json:2:17: malformed JSON: syntax error while parsing object key - unexpected ','; expected string literal");
  EXPECT_EQ(error_of("{\"data\": [{\"paragraphs\": [{\"qas\": []}]}]}"),
            "in.json: data[0].paragraphs[0]: missing field \"context\"");
  EXPECT_EQ(error_of("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": [{\"id\": 5}]}]}]}"),
            "in.json: data[0].paragraphs[0].qas[0].id: expected a string");
  EXPECT_EQ(error_of("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": [{\"id\": \"a\", \"question\": \"q\", "
                     "\"answers\": [{\"text\": \"c\", \"answer_start\": -1}]}]}]}]}"),
            "in.json: data[0].paragraphs[0].qas[0].answers[0].answer_start: negative answer_start");
  EXPECT_EQ(error_of("{\"data\": 3}"), "in.json: data: expected an array");
  EXPECT_EQ(error_of("{\"version\": \"1.1\",\n \"data\": [\"\xff\"]}"), "in.json:2:12: invalid UTF-8");
  EXPECT_EQ(error_of(""), "in.json:1:1: malformed JSON: syntax error while parsing value - unexpected end of input; "
                          "expected '[', '{', or a literal");
  EXPECT_THROW(read_squad("/nonexistent/dev.json"), InputError);
}

TEST(Squad, SampledQuestionsAreASeededSubsetInFileOrder) {
  SquadDataset data;
  data.version = "1.1";
  std::vector<std::string> order;  // every question id in file order
  for (int a = 0; a < 4; ++a) {
    SquadArticle article{a == 2 ? "T1" : "T" + std::to_string(a), {}};  // articles 1 and 2 share a title
    for (int p = 0; p < 3; ++p) {
      SquadParagraph para{"context " + std::to_string(a) + "-" + std::to_string(p), {}};
      for (int q = 0; q <= p; ++q) {
        order.push_back(fmt::format("{}-{}-{}", a, p, q));
        para.qas.push_back({order.back(), "question?", {{"c", 0}}});
      }
      article.paragraphs.push_back(para);
    }
    data.articles.push_back(article);
  }
  const auto ids = [](const SquadDataset& d) {
    std::vector<std::string> out;
    for (const auto& a : d.articles)
      for (const auto& p : a.paragraphs)
        for (const auto& q : p.qas) out.push_back(q.id);
    return out;
  };
  const auto drawn = sample_questions(data, 7, 3);
  EXPECT_EQ(drawn.version, "1.1");
  const auto got = ids(drawn);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(squad_to_json(sample_questions(data, 7, 3)), squad_to_json(drawn));  // seeded
  EXPECT_NE(ids(sample_questions(data, 7, 4)), got);                               // by the seed
  // A subset, in file order, each question in its own paragraph and article.
  std::size_t at = 0;
  for (const auto& id : got) {
    const auto it = std::find(order.begin() + static_cast<std::ptrdiff_t>(at), order.end(), id);
    ASSERT_NE(it, order.end()) << id << " is not in the data after the previous one";
    at = static_cast<std::size_t>(it - order.begin()) + 1;
  }
  for (const auto& a : drawn.articles) {
    for (const auto& p : a.paragraphs) {
      for (const auto& q : p.qas) EXPECT_EQ(p.context, "context " + q.id.substr(0, 3)) << q.id;
    }
  }
  // Articles 1 and 2 (one title, adjacent) become one article when both are drawn from.
  const auto all = sample_questions(data, 1000, 3);
  EXPECT_EQ(ids(all), order);
  ASSERT_EQ(all.articles.size(), 3u);
  EXPECT_EQ(all.articles[1].title, "T1");
  EXPECT_EQ(all.articles[1].paragraphs.size(), 6u);
  EXPECT_TRUE(sample_questions(data, 0, 3).articles.empty());
}

}  // namespace frugal
